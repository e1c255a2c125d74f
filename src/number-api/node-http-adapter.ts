import { request as httpRequest, type Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import { AxiosError, CanceledError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';

/**
 * A lean axios adapter straight on node:http / node:https and the keep-alive agents the module
 * configures (`httpAgent` / `httpsAgent`), for the number API: one small GET with a small text
 * answer. It does what the number API client needs and nothing else: no redirects (the client sets
 * maxRedirects 0), no proxy lookup per request, no decompression (it asks for none), no streams
 * or progress events. The profile showed axios's http adapter (follow-redirects, proxy-from-env,
 * stream plumbing) at about 8 % of the API's CPU under getcode load.
 *
 * Errors keep axios's shape and codes, so callers see what they saw with the stock adapter:
 * AxiosError with the socket error's code (ECONNREFUSED, ECONNRESET…), ERR_FR_MAX_BODY_LENGTH_EXCEEDED
 * past maxContentLength, ERR_BAD_RESPONSE for a broken response stream, CanceledError on abort;
 * validateStatus decides between resolve and ERR_BAD_REQUEST/ERR_BAD_RESPONSE as axios's settle does.
 */
export const nodeHttpAdapter: AxiosAdapter = (config: InternalAxiosRequestConfig): Promise<AxiosResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(config.url!, config.baseURL);
    const https = url.protocol === 'https:';
    const signal = config.signal as AbortSignal | undefined;
    if (signal?.aborted) {
      reject(new CanceledError(undefined, undefined, config));
      return;
    }
    const headers = config.headers.toJSON(true) as Record<string, string>;
    const send = https ? httpsRequest : httpRequest;
    const req = send(url, {
      method: (config.method ?? 'get').toUpperCase(),
      headers,
      agent: (https ? config.httpsAgent : config.httpAgent) as HttpAgent | HttpsAgent | undefined,
      timeout: config.timeout || undefined,
    });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onAbort = () => {
      fail(new CanceledError(undefined, undefined, config));
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('timeout', () => {
      fail(new AxiosError(`timeout of ${config.timeout} ms exceeded`, AxiosError.ETIMEDOUT, config, req));
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => fail(AxiosError.from(error, error.code, config, req)));
    req.on('response', (res: IncomingMessage) => {
      const limit = config.maxContentLength !== undefined && config.maxContentLength > -1 ? config.maxContentLength : Infinity;
      const chunks: Buffer[] = [];
      let length = 0;
      res.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > limit) {
          fail(new AxiosError(`maxContentLength size of ${limit} exceeded`, 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED', config, req));
          res.destroy();
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => fail(AxiosError.from(error, AxiosError.ERR_BAD_RESPONSE, config, req)));
      res.on('aborted', () => fail(new AxiosError('response aborted', AxiosError.ECONNABORTED, config, req)));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        const response: AxiosResponse = {
          data: config.responseType === 'arraybuffer' ? body : body.toString('utf8'),
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers as AxiosResponse['headers'],
          config,
          request: req,
        };
        const validate = config.validateStatus;
        if (!response.status || !validate || validate(response.status)) resolve(response);
        else
          reject(
            new AxiosError(
              `Request failed with status code ${response.status}`,
              response.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE,
              config,
              req,
              response,
            ),
          );
      });
    });
    if (config.data !== undefined && config.data !== null) req.end(config.data as string | Buffer);
    else req.end();
  });
