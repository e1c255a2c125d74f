import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { azureCredential } from '../azure/azure-credential.js';
import { check, Diagnoses, type DoctorCheck, type DoctorChecks, fail, ok, warn, type CheckResult } from '../doctor/doctor-check.js';
import { SecretsService } from '../secrets/secrets.service.js';
import { ACS_RESOURCE_SCOPE } from './channels/acs.js';
import { DeliveryConfig, type SmtpSettings } from './delivery.config.js';

/** How long each probe may take (a server that never greets is a finding, not a hang). */
const PROBE_TIMEOUT_MS = 8000;
/** The Email API version @azure/communication-email sends. */
const ACS_EMAIL_API_VERSION = '2025-09-01';

/**
 * The channel CODE_DELIVERY picks, checked as the sends will use it (nothing is sent):
 * - `smtp`: the server greets, STARTTLS or TLS as configured, and AUTH is accepted when SMTP_USER is
 *   set (the password read from the secret store as the sends read it);
 * - `acs-email`, `acs-sms`: the app's identity gets a Communication Services token, and
 *   ACS_ENDPOINT answers a read with it (a look-up of an operation that does not exist: 404 means
 *   the resource took the token; 401 a token it does not accept; 403 an identity without its role).
 * Nothing for `response` (no second channel).
 */
@Injectable()
@Diagnoses()
export class DeliveryDoctor implements DoctorChecks {
  constructor(
    private readonly config: DeliveryConfig,
    private readonly secrets: SecretsService,
  ) {}

  checks(): DoctorCheck[] {
    const { channel, smtp, acsEndpoint } = this.config;
    if (channel === 'smtp' && smtp) return [check('delivery.smtp', () => this.smtp(smtp))];
    if ((channel === 'acs-email' || channel === 'acs-sms') && acsEndpoint) return [check('delivery.acs', () => this.acs(acsEndpoint), { atBoot: false })];
    return [];
  }

  private async smtp(smtp: SmtpSettings): Promise<CheckResult> {
    const target = `${smtp.host}:${smtp.port}`;
    let password: string | undefined;
    if (smtp.user) {
      try {
        password = await this.secrets.get(smtp.passwordSecretName);
      } catch (error) {
        return fail(`the SMTP password cannot be read: ${(error as Error).message}`, 'store it in the secret store under that name (locally SECRET_SMTP_PASSWORD)', 'SMTP_PASSWORD_SECRET_NAME');
      }
    }
    // nodemailer only for this channel, as the factory loads it.
    const { verifySmtp } = await import('./channels/smtp-delivery.js');
    try {
      await verifySmtp(smtp, password, PROBE_TIMEOUT_MS);
    } catch (error) {
      return smtpFailure(target, smtp, error as { code?: string; responseCode?: number; message?: string });
    }
    const tls = smtp.secure ? 'TLS' : smtp.requireTls ? 'STARTTLS required' : 'STARTTLS when offered';
    return ok(`${target} greets (${tls}) and ${smtp.user ? `accepts AUTH as ${smtp.user}` : 'takes mail without AUTH (SMTP_USER unset)'}`);
  }

  private async acs(endpoint: string): Promise<CheckResult> {
    let reason = 'no token';
    const token = await azureCredential()
      .getToken(ACS_RESOURCE_SCOPE, { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
      .then(
        (got) => got?.token,
        (error: unknown) => void (reason = (error as Error).name),
      );
    if (!token) {
      return fail(
        `the app's identity gets no token for Communication Services (${reason})`,
        'run with a managed identity (in Azure) or az login (locally); with several user-assigned identities name one',
        'AZURE_CLIENT_ID',
      );
    }
    const url = new URL(`/emails/operations/doctor-${randomUUID()}`, endpoint);
    url.searchParams.set('api-version', ACS_EMAIL_API_VERSION);
    let status: number;
    try {
      const answer = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      status = answer.status;
      await answer.body?.cancel();
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      return fail(`cannot reach ${url.origin} (${cause})`, 'set it to the Communication Services resource, https://<name>.<region>.communication.azure.com', 'ACS_ENDPOINT');
    }
    if (status === 404) return ok(`${url.origin} answers with the identity's Communication Services token (${this.config.channel})`);
    if (status === 401) return fail(`${url.origin} refuses the identity's token (401)`, 'point it at a Communication Services resource in the identity’s tenant', 'ACS_ENDPOINT');
    if (status === 403) {
      return fail(`the identity has no role on ${url.origin} (403)`, 'give the identity "Communication and Email Service Owner" on that resource (provision.sh does)', 'ACS_ENDPOINT');
    }
    return warn(`${url.origin} answered a read with HTTP ${status}`, 'check that it is the Communication Services resource', 'ACS_ENDPOINT');
  }
}

/** An SMTP failure as a finding: never the server's own words (a reply may quote an address), only its kind and reply code. */
function smtpFailure(target: string, smtp: SmtpSettings, error: { code?: string; responseCode?: number; message?: string }): CheckResult {
  const reply = error.responseCode ? ` ${error.responseCode}` : '';
  switch (error.code) {
    case 'EAUTH':
      return fail(
        `${target} refuses AUTH as ${smtp.user ?? '(no user)'} (EAUTH${reply})`,
        smtp.user ? 'store the password the server expects under that name (locally SECRET_SMTP_PASSWORD), or correct SMTP_USER' : 'this server wants AUTH: set SMTP_USER and store its password',
        smtp.user ? 'SMTP_PASSWORD_SECRET_NAME' : 'SMTP_USER',
      );
    case 'ETLS':
      return fail(`${target} does not upgrade the connection with STARTTLS (ETLS${reply})`, 'use a server that offers STARTTLS, or set SMTP_REQUIRE_TLS=false', 'SMTP_REQUIRE_TLS');
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'ETIMEDOUT':
    case 'EDNS':
    case 'ECONNREFUSED':
    case undefined: {
      // A TLS handshake against a plain port (or the reverse) fails as a socket error too.
      const tlsHint = /wrong version number|ssl|tls/i.test(error.message ?? '') ? ' (TLS mismatch)' : '';
      // nodemailer says ESOCKET/ECONNECTION; the system's own code says which (refused, timed out, unknown host).
      const errno = /\b(ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ECONNRESET|EAI_AGAIN)\b/.exec(error.message ?? '')?.[1];
      return fail(
        `cannot reach ${target} (${errno ?? error.code ?? 'Error'}${reply}${tlsHint})`,
        tlsHint ? 'SMTP_SECURE=true is for TLS from the first byte (port 465); use false for STARTTLS ports (587, 25)' : 'start the SMTP server or correct its address',
        tlsHint ? 'SMTP_SECURE' : 'SMTP_HOST',
      );
    }
    default:
      return fail(`${target} refused the check (${error.code}${reply})`, 'check the SMTP settings against the server', 'SMTP_HOST');
  }
}
