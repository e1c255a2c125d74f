import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import { AxiosError, type AxiosResponse } from 'axios';
import { SecretsService } from '../secrets/secrets.service.js';
import { NumberApi } from './number-api.js';
import { NumberApiConfig } from './number-api.config.js';
import {
  NumberApiBadResponseError,
  NumberApiStatusError,
  NumberApiTimeoutError,
  NumberApiUnreachableError,
} from './number-api.errors.js';
import { nodeHttpAdapter } from './node-http-adapter.js';
import { inSpan, injectTraceHeaders, SpanKind } from '../observability/instruments.js';
import { recordNumberApiCall } from './number-api.metrics.js';

const MAX_BODY_BYTES = 4096;

/**
 * Calls the number API with its function key in `x-functions-key`. The key comes from the secret
 * cache; a 401/403 means it was rotated, so the key is re-read once and the call retried once.
 */
@Injectable()
export class HttpNumberApi extends NumberApi implements OnModuleInit {
  private readonly logger = new Logger(HttpNumberApi.name);

  constructor(
    private readonly http: HttpService,
    private readonly secrets: SecretsService,
    private readonly config: NumberApiConfig,
  ) {
    super();
  }

  onModuleInit(): void {
    this.secrets.require(this.config.secretName, { variable: 'THIRD_PARTY_API_SECRET_NAME' });
  }

  async getNumber(options?: { signal?: AbortSignal }): Promise<number> {
    const key = await this.secrets.get(this.config.secretName);
    const response = await this.call(key, options?.signal);
    if (response.status === 401 || response.status === 403) {
      this.logger.warn(`Number API answered ${response.status}; re-reading the key once in case it was rotated`);
      const fresh = await this.secrets.refresh(this.config.secretName, key);
      return this.parse(await this.call(fresh, options?.signal));
    }
    return this.parse(response);
  }

  async ping(): Promise<void> {
    await this.getNumber();
  }

  /** One HTTP call as a client span (its traceparent goes upstream) and a metric by outcome. */
  private call(key: string, signal?: AbortSignal): Promise<AxiosResponse<string>> {
    const started = performance.now();
    return inSpan(
      'GET number API',
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'server.address': this.host } },
      async (span) => {
        try {
          const response = await this.request(key, signal);
          span.setAttribute('http.response.status_code', response.status);
          recordNumberApiCall(response.status === 200 ? 'ok' : `http_${response.status}`, (performance.now() - started) / 1000);
          return response;
        } catch (error) {
          recordNumberApiCall((error as { code?: string }).code?.toLowerCase() ?? 'failed', (performance.now() - started) / 1000);
          throw error;
        }
      },
    );
  }

  /** The span's server.address, parsed once rather than on every call. */
  private hostname?: string;
  private get host(): string {
    return (this.hostname ??= new URL(this.config.endpoint).hostname);
  }

  private async request(key: string, signal?: AbortSignal): Promise<AxiosResponse<string>> {
    // A deadline for the whole call. A cleared timer rather than AbortSignal.timeout(), which
    // would keep each request's async context alive for the full timeout after it completed.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.config.timeoutMs);
    try {
      return await this.http.axiosRef.request<string>({
        method: 'GET',
        url: this.config.endpoint,
        // Straight on node:http and the module's keep-alive agents: axios's own http adapter
        // (follow-redirects, proxy lookup, stream plumbing) was ~8 % of the API's CPU at load.
        adapter: nodeHttpAdapter,
        headers: injectTraceHeaders({ 'x-functions-key': key, 'Content-Type': 'application/json', Accept: 'application/json' }),
        signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
        responseType: 'text',
        transformResponse: (body: unknown) => body,
        validateStatus: () => true,
        maxContentLength: MAX_BODY_BYTES,
        maxRedirects: 0,
      });
    } catch (error) {
      if (deadline.signal.aborted) throw new NumberApiTimeoutError(this.config.timeoutMs);
      const code = error instanceof AxiosError ? (error.code ?? 'unknown') : 'unknown';
      if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED') {
        throw new NumberApiBadResponseError(`unreadable response (${code})`);
      }
      throw new NumberApiUnreachableError(code);
    } finally {
      clearTimeout(timer);
    }
  }

  private parse(response: AxiosResponse<string>): number {
    if (response.status !== 200) throw new NumberApiStatusError(response.status);
    let body: unknown;
    try {
      body = JSON.parse(response.data);
    } catch {
      throw new NumberApiBadResponseError('body is not JSON');
    }
    const value = (body as { value?: unknown } | null)?.value;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new NumberApiBadResponseError('body is not {"value": <integer>}');
    }
    return value;
  }
}
