/** Azurite's published development account (its key is documented, not a secret). */
export const AZURITE_DEV_CONNECTION_STRING =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
  'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
  'QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;';

/** Azurite's well-known account name, whatever host it runs on (a compose or Kubernetes service). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
