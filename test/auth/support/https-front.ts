import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import { trustTestCertificate } from '../../support/tls.js';

export interface HttpsFront {
  close(): Promise<void>;
}

/**
 * An HTTPS front on `port` for the plain-http test server on `targetPort` (the dev IdP), as a
 * TLS-terminating ingress is: the test certificate (trusted by this process),
 * `X-Forwarded-Proto: https`, the Host kept. Production refuses plain-http IdPs, so its tests
 * reach the IdP through this.
 */
export async function startHttpsFront(port: number, targetPort: number): Promise<HttpsFront> {
  const { cert, key } = await trustTestCertificate();
  const server = createServer({ cert, key }, (req, res) => {
    const forwarded = httpRequest(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-proto': 'https' } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.writeHead(502).end());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
