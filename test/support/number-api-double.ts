import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/** How the double answers the next requests. */
export type NumberApiBehaviour =
  | { kind: 'ok' }
  | { kind: 'status'; status: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'reset' }
  | { kind: 'body'; body: string };

/**
 * A scriptable third-party number API for fault tests: it checks `x-functions-key` against
 * `validKey` (401 otherwise, like the Functions host) and otherwise behaves as told.
 */
export class NumberApiDouble {
  behaviour: NumberApiBehaviour = { kind: 'ok' };
  validKey = 'test-function-key';
  readonly keysSeen: string[] = [];
  requests = 0;
  private server?: Server;
  private nextValue = 161;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/api/RandomNumber`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server?.listening) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    this.requests++;
    const key = String(req.headers['x-functions-key'] ?? '');
    this.keysSeen.push(key);
    const behaviour = this.behaviour;
    if (behaviour.kind === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (key !== this.validKey) {
      res.writeHead(401).end();
      return;
    }
    switch (behaviour.kind) {
      case 'status':
        res.writeHead(behaviour.status, { 'Content-Type': 'text/plain' }).end('upstream says no');
        return;
      case 'slow': {
        const timer = setTimeout(() => res.writeHead(200).end(JSON.stringify({ value: 1 })), behaviour.delayMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'body':
        res.writeHead(200).end(behaviour.body);
        return;
      case 'ok':
        res.writeHead(200).end(JSON.stringify({ value: this.nextValue++ }));
    }
  }
}
