import { request as httpRequest, type Agent as HttpAgent, type ClientRequest, type IncomingMessage } from 'node:http';
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
 * Keep-alive: a GET sent on a pooled socket that the server had just closed (its idle close and
 * our request cross on the wire) is reset before any byte of an answer. Such an idempotent request
 * is sent once more, on a fresh connection; a second failure is the caller's error.
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
    const method = (config.method ?? 'get').toUpperCase();
    const headers = config.headers.toJSON(true) as Record<string, string>;
    const send = https ? httpsRequest : httpRequest;
    const pooled = (https ? config.httpsAgent : config.httpAgent) as HttpAgent | HttpsAgent | undefined;
    let settled = false;
    let req: ClientRequest;
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

    /** One try: `fresh` asks for a new connection instead of a pooled one. */
    const attempt = (fresh: boolean) => {
      let answered = false;
      req = send(url, {
        method,
        headers,
        // agent false: a connection of its own, never a pooled socket the server may have closed.
        agent: fresh ? false : pooled,
        // No socket timeout while a request is in flight (0; deadlines come from `signal`): the
        // agent's own timeout is for idle pooled sockets only.
        timeout: config.timeout ?? 0,
      });
      req.on('timeout', () => {
        fail(new AxiosError(`timeout of ${config.timeout} ms exceeded`, AxiosError.ETIMEDOUT, config, req));
        req.destroy();
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return;
        // A reused keep-alive socket that the server closed as the request went out: reset before
        // any byte of an answer. An idempotent request is sent once more, on a fresh connection.
        if (!fresh && !answered && req.reusedSocket && IDEMPOTENT.has(method) && RETRYABLE_CODES.has(error.code ?? '')) {
          attempt(true);
          return;
        }
        fail(AxiosError.from(error, error.code, config, req));
      });
      req.on('response', (res: IncomingMessage) => {
        answered = true;
        receive(res, req);
      });
      if (config.data !== undefined && config.data !== null) req.end(config.data as string | Buffer);
      else req.end();
    };

    const receive = (res: IncomingMessage, sent: ClientRequest) => {
      const limit = config.maxContentLength !== undefined && config.maxContentLength > -1 ? config.maxContentLength : Infinity;
      const chunks: Buffer[] = [];
      let length = 0;
      res.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > limit) {
          fail(new AxiosError(`maxContentLength size of ${limit} exceeded`, 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED', config, sent));
          res.destroy();
          sent.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => fail(AxiosError.from(error, AxiosError.ERR_BAD_RESPONSE, config, sent)));
      res.on('aborted', () => fail(new AxiosError('response aborted', AxiosError.ECONNABORTED, config, sent)));
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
          request: sent,
        };
        const validate = config.validateStatus;
        if (!response.status || !validate || validate(response.status)) resolve(response);
        else
          reject(
            new AxiosError(
              `Request failed with status code ${response.status}`,
              response.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE,
              config,
              sent,
              response,
            ),
          );
      });
    };

    attempt(false);
  });

/** Methods safe to send twice (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What a request gets when the server closed the reused socket under it (reset, or written to a closed socket). */
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE']);
