import tls, { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { generate } from 'selfsigned';

export interface TestCertificate {
  cert: string;
  key: string;
}

// One certificate per process, shared by every test file a Jest worker runs: trusting a second one
// later would not reach TLS contexts already made with the first. Jest gives each test file its own
// module registry and its own globalThis, so the state hangs on the node:tls module object, which
// is the process's one copy in every file.
const shared = tls as unknown as { __testCertificate?: Promise<TestCertificate>; __testCertificateTrusted?: boolean };

/** A self-signed certificate for 127.0.0.1/localhost, made once per process. */
export function testCertificate(): Promise<TestCertificate> {
  shared.__testCertificate ??= generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  } as Parameters<typeof generate>[1]).then((pems) => ({ cert: pems.cert, key: pems.private }));
  return shared.__testCertificate;
}

/**
 * Makes this process's TLS clients trust the test certificate, as an operator would with
 * NODE_EXTRA_CA_CERTS. The Azure SDK builds its own agents, so a per-agent `ca` would not reach it.
 */
export async function trustTestCertificate(): Promise<TestCertificate> {
  const certificate = await testCertificate();
  if (!shared.__testCertificateTrusted) {
    setDefaultCACertificates([...getCACertificates('default'), certificate.cert]);
    shared.__testCertificateTrusted = true;
  }
  return certificate;
}
