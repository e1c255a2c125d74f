import { queueNameFromUrl } from './queue.config.js';

describe('queueNameFromUrl', () => {
  it.each([
    ['https://acct.queue.core.windows.net/code-requests', 'code-requests'],
    ['https://acct.queue.core.windows.net/code-requests/', 'code-requests'],
    ['http://127.0.0.1:10001/devstoreaccount1/code-requests', 'code-requests'],
  ])('%s → %s', (url, name) => expect(queueNameFromUrl(url)).toBe(name));
});
