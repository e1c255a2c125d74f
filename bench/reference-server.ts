import { createServer } from 'node:http';
import { Agent, request } from 'node:http';
import { randomInt } from 'node:crypto';
import { QueueClient } from '@azure/storage-queue';

/**
 * The bare reference for the getcode benchmark: node:http, no framework, doing the same two I/O
 * calls as the app (GET the number API with x-functions-key over keep-alive, then sendMessage to
 * the same queue with the same SDK) and answering the same JSON. The key is read once at start,
 * as the app's cache does. Configured by argv JSON to stay out of the app's config.
 */
const { port, numberApiUrl, key, connectionString, queueName } = JSON.parse(process.argv[2]!) as {
  port: number;
  numberApiUrl: string;
  key: string;
  connectionString: string;
  queueName: string;
};
const agent = new Agent({ keepAlive: true, maxSockets: 128 });
const queue = new QueueClient(connectionString, queueName);
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const letters = () => LETTERS[randomInt(52)]! + LETTERS[randomInt(52)]! + LETTERS[randomInt(52)]!;

function getNumber(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(numberApiUrl, { agent, headers: { 'x-functions-key': key, 'Content-Type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve((JSON.parse(body) as { value: number }).value) : reject(new Error(String(res.statusCode)))));
    });
    req.on('error', reject);
    req.end();
  });
}

createServer((req, res) => {
  if (req.url !== '/api/v1/getcode') {
    res.writeHead(404).end();
    return;
  }
  getNumber()
    .then(async (value) => {
      const body = JSON.stringify({ code: `${letters()}-${value}-${letters()}`, timestamp: new Date().toISOString() });
      await queue.sendMessage(body);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    })
    .catch(() => res.writeHead(502).end());
}).listen(port, '127.0.0.1', () => console.log('reference listening'));

process.once('SIGTERM', () => process.exit(0));
