import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TikiStandin } from '../../src/dev/tiki-standin/tiki-standin.server.js';

/** How the harness answers instead of the stand-in, for fault tests. */
export type TikiFault =
  | { kind: 'none' }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'reset' };

export const CLIENT_KEY = 'test-tiniapp-client-key';
export const CLIENT_SECRET = 'test-tiniapp-client-secret-9f2c4e';

/**
 * The real Tiki stand-in on a free loopback port, behind a switch that can answer with a fault
 * instead (5xx, a slow answer, a connection reset). `secret` is what the stand-in accepts.
 */
export class TikiHarness {
  fault: TikiFault = { kind: 'none' };
  secret = CLIENT_SECRET;
  readonly standin = new TikiStandin({ secretFor: async (key) => (key === CLIENT_KEY ? this.secret : undefined) });
  private server?: Server;

  /** Tiki's base URL form, e.g. http://127.0.0.1:1234/tiniapp-open-api */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/tiniapp-open-api`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const fault = this.fault;
      switch (fault.kind) {
        case 'none':
          return this.standin.handle(req, res);
        case 'reset':
          req.socket.resetAndDestroy();
          return;
        case 'status':
          req.resume();
          res.writeHead(fault.status, { 'Content-Type': 'text/html' }).end(fault.body ?? '<html>upstream error</html>');
          return;
        case 'slow': {
          const timer = setTimeout(() => this.standin.handle(req, res), fault.delayMs);
          res.on('close', () => clearTimeout(timer));
        }
      }
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server?.listening) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}

/**
 * What the rest of the API needs to boot, pointing at ports nobody listens on: these tests only
 * exercise the Tini App routes, and nothing else is contacted at start-up.
 */
export function otherCapabilitiesEnv(): Record<string, string> {
  return {
    THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
    SECRET_THIRD_PARTY_API_KEY: 'unused-number-api-key',
    AZURE_STORAGE_CONNECTION_STRING:
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=' +
      Buffer.from('not-a-real-key').toString('base64') +
      ';QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;',
  };
}
