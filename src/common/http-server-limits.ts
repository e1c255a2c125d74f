import type { Server } from 'node:http';
import type { HttpConfig } from '../config/http.config.js';

/**
 * Bounds what a slow or oversized client can hold of the server (set before listen(): Node reads
 * them per connection, and starts its timeout checks when it starts listening):
 * - headers within `headersTimeoutMs`, the whole request within `requestTimeoutMs` (408, closed);
 * - idle keep-alive connections closed after `keepAliveTimeoutMs`;
 * - header blocks larger than `maxHeaderBytes` refused with 431.
 * Node checks the request timeouts every `connectionsCheckingInterval` (30 s by default, which
 * would let a slow client hold on well past its timeout): a quarter of the headers timeout, at most 1 s.
 */
export function applyServerLimits(server: Server, http: Pick<HttpConfig, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxHeaderBytes'>): void {
  server.headersTimeout = http.headersTimeoutMs;
  server.requestTimeout = http.requestTimeoutMs;
  server.keepAliveTimeout = http.keepAliveTimeoutMs;
  // Constructor options in the typings, but read from the server per connection and at listen().
  const configurable = server as Server & { maxHeaderSize: number; connectionsCheckingInterval: number };
  configurable.maxHeaderSize = http.maxHeaderBytes;
  configurable.connectionsCheckingInterval = Math.max(25, Math.min(1000, Math.floor(http.headersTimeoutMs / 4)));
}
