import { createServer } from 'node:http';
import { Agent, request } from 'node:http';
import { randomInt } from 'node:crypto';
import { QueueClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';

/**
 * The bare reference for the getcode benchmark: node:http, no framework, doing the same I/O calls
 * as the app, no more and no fewer, and answering the same JSON:
 * 1. GET the number API with `x-functions-key` over keep-alive (the key read once at start, as
 *    the app's secret cache does);
 * 2. when `tableName` is given: the code-table row, written before answering with the same SDK
 *    and the same entity shape as src/code-table/azure-table-code-table.ts `activate()`
 *    (PartitionKey = the code, RowKey = "code", issuedAt, expiresAt, state "valid", activatedAt);
 *    the bench passes it only when it saw the app write that row (see getcode.bench.ts);
 * 3. sendMessage of the code JSON to the same queue with the same SDK.
 * Configured by argv JSON to stay out of the app's config.
 */
const { port, numberApiUrl, key, connectionString, queueName, tableName, ttlSeconds } = JSON.parse(process.argv[2]!) as {
  port: number;
  numberApiUrl: string;
  key: string;
  connectionString: string;
  queueName: string;
  tableName?: string;
  ttlSeconds: number;
};
const agent = new Agent({ keepAlive: true, maxSockets: 128 });
const queue = new QueueClient(connectionString, queueName);
const table = tableName ? TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection: true }) : undefined;
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const letters = () => LETTERS[randomInt(52)]! + LETTERS[randomInt(52)]! + LETTERS[randomInt(52)]!;

function getNumber(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(numberApiUrl, { agent, headers: { 'x-functions-key': key, 'Content-Type': 'application/json', Accept: 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve((JSON.parse(body) as { value: number }).value) : reject(new Error(String(res.statusCode)))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function writeRow(code: string, issued: Date): Promise<void> {
  if (!table) return;
  const issuedAt = issued.toISOString();
  const row = { partitionKey: code, rowKey: 'code', issuedAt, expiresAt: new Date(issued.getTime() + ttlSeconds * 1000).toISOString(), state: 'valid', activatedAt: new Date().toISOString() };
  try {
    await table.createEntity(row);
  } catch (error) {
    // The same code string issued twice (rare): the app reads and replaces the older row; so does this.
    if ((error as { statusCode?: number }).statusCode !== 409) throw error;
    await table.updateEntity(row, 'Replace');
  }
}

createServer((req, res) => {
  if (req.url !== '/api/v1/getcode') {
    res.writeHead(404).end();
    return;
  }
  getNumber()
    .then(async (value) => {
      const issued = new Date();
      const code = `${letters()}-${value}-${letters()}`;
      await writeRow(code, issued);
      const body = JSON.stringify({ code, timestamp: issued.toISOString() });
      await queue.sendMessage(body);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    })
    .catch(() => res.writeHead(502).end());
}).listen(port, '127.0.0.1', () => console.log('reference listening'));

process.once('SIGTERM', () => process.exit(0));
