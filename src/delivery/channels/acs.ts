import { azureCredential } from '../../azure/azure-credential.js';

/** The scope the ACS SDKs ask the credential for. */
export const ACS_RESOURCE_SCOPE = 'https://communication.azure.com//.default';

/** Two quick retries of 429/5xx and refused connections; DELIVERY_TIMEOUT_MS bounds them all. */
export const ACS_RETRY = { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 2000 };

/** Readiness of an ACS channel: the identity gets a token for Communication Services (every send's precondition). */
export async function identityCanReachAcs(signal: AbortSignal): Promise<void> {
  await azureCredential().getToken(ACS_RESOURCE_SCOPE, { abortSignal: signal });
}
