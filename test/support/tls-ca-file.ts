import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCertificate } from './tls.js';

/**
 * The test certificate as a PEM file, for child processes: `NODE_EXTRA_CA_CERTS=<this file>` makes an
 * API process trust the HTTPS doubles (Key Vault, ACS) as trustTestCertificate() does in process.
 * One file per test process, removed when it exits.
 */
export async function testCaFile(): Promise<string> {
  const file = join(tmpdir(), `test-ca-${process.pid}.pem`);
  writeFileSync(file, (await testCertificate()).cert);
  if (!removalRegistered) {
    removalRegistered = true;
    process.once('exit', () => rmSync(file, { force: true }));
  }
  return file;
}

let removalRegistered = false;
