import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { generate } from 'selfsigned';

export interface TestCertificate {
  cert: string;
  key: string;
}

let cached: Promise<TestCertificate> | undefined;

/** A self-signed certificate for 127.0.0.1/localhost, made once per test file. */
export function testCertificate(): Promise<TestCertificate> {
  cached ??= generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  } as Parameters<typeof generate>[1]).then((pems) => ({ cert: pems.cert, key: pems.private }));
  return cached;
}

/**
 * Makes this process's TLS clients trust the test certificate, as an operator would with
 * NODE_EXTRA_CA_CERTS. The Azure SDK builds its own agents, so a per-agent `ca` would not reach it.
 */
export async function trustTestCertificate(): Promise<TestCertificate> {
  const certificate = await testCertificate();
  setDefaultCACertificates([...getCACertificates('default'), certificate.cert]);
  return certificate;
}
