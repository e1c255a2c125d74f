import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';

export interface KeepAliveNumberApiOptions {
  /** A connection without a request for this long is closed by the server. Default 1000 ms. */
  idleTimeoutMs?: number;
  /**
   * Send `Keep-Alive: timeout=<s>`, which lets Node's http.Agent retire sockets before the server
   * does. Off by default: the Functions host (Kestrel) sends no such hint, which is what makes the
   * race possible.
   */
  advertiseTimeout?: boolean;
  validKey?: string;
}

interface SocketState {
  served: number;
  idleTimer?: NodeJS.Timeout;
}

/**
 * A number API (`GET /api/RandomNumber`, `x-functions-key`, `{"value": n}`) whose server closes
 * keep-alive connections after `idleTimeoutMs` without a request, as the sample's Function host does
 * after 5 s. It counts what a keep-alive race test needs: connections, requests arriving on a reused
 * socket, idle closes and resets. `resetNextReused(n)` makes the race deterministic: the next `n`
 * requests that arrive on an already-used socket get a TCP reset before any byte of an answer, which
 * is what a client sees when its request crosses the server's idle close.
 */
export class KeepAliveNumberApi {
  readonly validKey: string;
  readonly idleTimeoutMs: number;
  /** TCP connections accepted. */
  connections = 0;
  /** Requests answered (any status). */
  requests = 0;
  /** Requests that arrived on a connection which had already answered one. */
  reusedRequests = 0;
  /** Connections the server closed because they sat idle for idleTimeoutMs. */
  idleCloses = 0;
  /** Requests answered with a TCP reset (resetNextReused). */
  resets = 0;
  private pendingResets = 0;
  private nextValue = 1;
  private server?: Server;
  private readonly sockets = new Map<Socket, SocketState>();

  constructor(private readonly options: KeepAliveNumberApiOptions = {}) {
    this.validKey = options.validKey ?? 'test-function-key';
    this.idleTimeoutMs = options.idleTimeoutMs ?? 1_000;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/api/RandomNumber`;
  }

  /** Open connections right now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** The next `count` requests that arrive on a reused connection get a reset instead of an answer. */
  resetNextReused(count = 1): void {
    this.pendingResets += count;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    // The idle close is this class's own timer (counted, exact); Node's would add keepAliveTimeoutBuffer.
    server.keepAliveTimeout = 0;
    server.on('connection', (socket: Socket) => {
      this.connections++;
      const state: SocketState = { served: 0 };
      this.sockets.set(socket, state);
      this.armIdleClose(socket, state);
      socket.on('close', () => {
        clearTimeout(state.idleTimer);
        this.sockets.delete(socket);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    for (const state of this.sockets.values()) clearTimeout(state.idleTimer);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private armIdleClose(socket: Socket, state: SocketState): void {
    clearTimeout(state.idleTimer);
    state.idleTimer = setTimeout(() => {
      this.idleCloses++;
      socket.destroy();
    }, this.idleTimeoutMs);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    const state = this.sockets.get(socket)!;
    clearTimeout(state.idleTimer);
    req.resume();
    if (state.served > 0) {
      this.reusedRequests++;
      if (this.pendingResets > 0) {
        this.pendingResets--;
        this.resets++;
        socket.resetAndDestroy();
        return;
      }
    }
    res.on('finish', () => {
      state.served++;
      this.armIdleClose(socket, state);
    });
    this.requests++;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Connection: 'keep-alive' };
    if (this.options.advertiseTimeout) headers['Keep-Alive'] = `timeout=${Math.floor(this.idleTimeoutMs / 1000)}`;
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/api/RandomNumber') {
      res.writeHead(404, headers).end();
      return;
    }
    if (req.headers['x-functions-key'] !== this.validKey) {
      res.writeHead(401, headers).end();
      return;
    }
    res.writeHead(200, headers).end(JSON.stringify({ value: this.nextValue++ }));
  }
}
