import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import { AxiosError, type AxiosResponse } from 'axios';
import { SecretsService } from '../secrets/secrets.service.js';
import { TiniAppConfig } from './tiniapp.config.js';
import { tiniAppSignedHeaders } from './tiniapp.signer.js';
import { TikiPlatformApi, type TikiAnswer } from './tiki-platform-api.js';
import { TikiApiBadResponseError, TikiApiStatusError, TikiApiTimeoutError, TikiApiUnreachableError } from './tiniapp.errors.js';
import { Clock } from '../common/clock.js';

const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Signs and sends each call over keep-alive connections with a deadline. The client secret is the
 * configured value or comes from the secret store; when Tiki says `invalid_signature` about a
 * stored secret, it may have been rotated, so it is re-read once and the call retried once.
 */
@Injectable()
export class HttpTikiPlatformApi extends TikiPlatformApi implements OnModuleInit {
  private readonly logger = new Logger(HttpTikiPlatformApi.name);

  constructor(
    private readonly http: HttpService,
    private readonly secrets: SecretsService,
    private readonly config: TiniAppConfig,
    private readonly clock: Clock,
  ) {
    super();
  }

  onModuleInit(): void {
    if (this.config.clientSecret === undefined) this.secrets.require(this.config.clientSecretName, { variable: 'TINIAPP_CLIENT_SECRET_NAME' });
  }

  async call(path: string, body: Record<string, string>): Promise<TikiAnswer> {
    // Serialised once: these exact bytes are both signed and sent.
    const bytes = JSON.stringify(body);
    const secret = await this.secret();
    const answer = await this.send(path, bytes, secret);
    if (this.config.clientSecret === undefined && isInvalidSignature(answer)) {
      const fresh = await this.secrets.refresh(this.config.clientSecretName, secret);
      if (fresh !== secret) {
        this.logger.warn('Tiki rejected the signature; the client secret was rotated in the store, retrying once with the new one');
        return this.send(path, bytes, fresh);
      }
    }
    return answer;
  }

  private secret(): Promise<string> {
    return this.config.clientSecret !== undefined ? Promise.resolve(this.config.clientSecret) : this.secrets.get(this.config.clientSecretName);
  }

  private async send(path: string, bytes: string, secret: string): Promise<TikiAnswer> {
    const deadline = AbortSignal.timeout(this.config.timeoutMs);
    let response: AxiosResponse<string>;
    try {
      response = await this.http.axiosRef.request<string>({
        method: 'POST',
        url: this.config.baseUrl + path,
        data: bytes,
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          ...tiniAppSignedHeaders(this.config.clientKey, secret, bytes, () => this.clock.now()),
        },
        transformRequest: [(data: unknown) => data],
        transformResponse: [(data: unknown) => data],
        responseType: 'text',
        signal: deadline,
        validateStatus: () => true,
        maxContentLength: MAX_ANSWER_BYTES,
        maxRedirects: 0,
      });
    } catch (error) {
      if (deadline.aborted) throw new TikiApiTimeoutError(this.config.timeoutMs);
      const code = error instanceof AxiosError ? (error.code ?? 'unknown') : 'unknown';
      if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED') throw new TikiApiBadResponseError(`unreadable answer (${code})`);
      throw new TikiApiUnreachableError(code);
    }
    return this.interpret(response);
  }

  private interpret(response: AxiosResponse<string>): TikiAnswer {
    const { status } = response;
    if (status < 200 || (status >= 300 && status < 400) || status >= 500) throw new TikiApiStatusError(status);
    let body: unknown;
    try {
      body = JSON.parse(response.data);
    } catch {
      throw new TikiApiBadResponseError(`status ${status} with a body that is not JSON`);
    }
    if (!isTikiBody(body)) throw new TikiApiBadResponseError(`status ${status} with a body that is not {data, error}`);
    return { status, body };
  }
}

function isTikiBody(body: unknown): body is TikiAnswer['body'] {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'data' in body && 'error' in body;
}

function isInvalidSignature(answer: TikiAnswer): boolean {
  const error = answer.body.error as { reason?: unknown } | null;
  return answer.status >= 400 && typeof error === 'object' && error !== null && error.reason === 'invalid_signature';
}
