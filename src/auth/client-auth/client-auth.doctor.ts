import { Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { describeKeyVaultFailure } from '../../secrets/key-vault-secret-store.js';
import { type CheckResult, check, Diagnoses, type DoctorCheck, type DoctorChecks, fail, ok } from '../../doctor/doctor-check.js';
import { OidcConfig } from '../oidc/oidc.config.js';
import { ClientAuthentication } from './client-authentication.js';
import { CLIENT_JWKS_PATH } from './client-jwks.controller.js';
import { FederatedClientAuthentication } from './federated-client-authentication.js';
import { keyVaultStatus } from './key-vault-client-assertion-signer.js';
import { PrivateKeyJwtClientAuthentication } from './private-key-jwt-client-authentication.js';

/**
 * What the client's own credential needs before an IdP sees it: private_key_jwt's key can sign
 * (a Key Vault key that exists and that the identity may sign with; a local key that parses), and
 * federated's identity gets its token (whose issuer and subject are what the IdP must trust).
 * The client secret's presence is the secrets check's.
 */
@Injectable()
@Diagnoses()
export class ClientAuthDoctor implements DoctorChecks {
  constructor(
    private readonly oidc: OidcConfig,
    private readonly auth: ClientAuthentication,
  ) {}

  checks(): DoctorCheck[] {
    if (this.oidc.provider === 'none') return [];
    const auth = this.auth;
    if (auth instanceof PrivateKeyJwtClientAuthentication) return [check('client-auth.signing-key', () => this.signingKey(auth))];
    if (auth instanceof FederatedClientAuthentication) return [check('client-auth.federated-token', () => this.federatedToken(auth), { atBoot: false })];
    return [];
  }

  private async signingKey(auth: PrivateKeyJwtClientAuthentication): Promise<CheckResult> {
    const name = this.oidc.clientKeyName;
    const where = auth.signer.kind === 'keyvault' ? `Key Vault key "${name}"` : `local key "${name}"`;
    try {
      await auth.signer.sign({ probe: 'doctor' });
      const kids = (await auth.signer.publicJwks()).keys.map((k) => k.kid);
      const jwksUrl = new URL(CLIENT_JWKS_PATH, this.oidc.publicBaseUrl.replace(/\/?$/, '/')).href;
      return ok(`${where} signs (kid ${kids.join(', ')}); the IdP verifies with ${jwksUrl}`);
    } catch (error) {
      const status = keyVaultStatus(error);
      if (status === 404) return fail(`${where} does not exist`, `create it: az keyvault key create --vault-name <vault> --name ${name} --kty RSA --size 2048 --ops sign verify`, 'OIDC_CLIENT_KEY_NAME');
      if (status === 403 || status === 401) return fail(`the app's identity may not sign with ${where} (HTTP ${status})`, 'assign it the "Key Vault Crypto User" role on the key', 'OIDC_CLIENT_KEY_NAME');
      const reason = (error as { reason?: string }).reason ?? (error as Error).message ?? describeKeyVaultFailure(error);
      const fix =
        auth.signer.kind === 'keyvault'
          ? 'check the vault is reachable and the key is an enabled RSA key'
          : 'put a private JWK or PKCS#8 PEM (RSA ≥ 2048 bits or EC P-256) in SECRET_OIDC_CLIENT_KEY or SECRET_OIDC_CLIENT_KEY_FILE';
      return fail(`${where} cannot sign: ${reason}`, fix, 'OIDC_CLIENT_KEY_NAME');
    }
  }

  private async federatedToken(auth: FederatedClientAuthentication): Promise<CheckResult> {
    try {
      const claims = decodeJwt(await auth.assertion());
      return ok(`the identity gets tokens for ${auth.scope}: issuer ${String(claims.iss)}, subject ${String(claims.sub)} (what the IdP's federated credential must name)`);
    } catch (error) {
      return fail(
        `no token for ${auth.scope}: ${(error as Error).name}`,
        'run where a managed or workload identity is available (AZURE_CLIENT_ID picks a user-assigned one), or choose another method',
        'AUTH_CLIENT_AUTH',
      );
    }
  }
}
