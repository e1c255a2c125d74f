#!/usr/bin/env bash
# Provisions the service on Azure, mirroring the sample's scripts/provision.sh and improving it:
#   - one storage account (no shared-key access) holding the code-requests queue, its poison queue
#     and the code table, created through ARM so re-runs are no-ops;
#   - Key Vault in RBAC mode holding the third-party function key (generated once, never rotated
#     by a re-run) and the metrics scrape token;
#   - one user-assigned managed identity for the API and the watcher, with role assignments scoped
#     to the one queue, table and secret each needs (not the account or the vault);
#   - the API and the watcher on Azure Container Apps from the one image, app settings named as
#     in the config schema, a KEDA azure-queue scale rule for the watcher (authenticated with the
#     same identity), and an HTTP scale rule for the API;
#   - the third-party number API: THIRD_PARTY_API_ENDPOINT if you have one, else the image's
#     stand-in (dist/dev/number-api/main.bundle.js) reading the same key from Key Vault;
#   - Azure Managed Redis (TLS on 10000, access keys disabled) for rate limits shared by all API
#     replicas: the identity gets the database's data-access policy and connects with an Entra
#     token (THROTTLE_STORE=redis, REDIS_AUTH=entra);
#   - Azure Communication Services for step-up codes: an Email Communication Service with an
#     Azure-managed domain, linked to a Communication Services resource on which the identity gets
#     its role; the API sends with CODE_DELIVERY=acs-email as the identity (no connection string).
#   - with AUTH_PROVIDER set, sign-in with no client secret to keep (docs/no-secrets.md): the session
#     secret in Key Vault (rotated by adding a version), and for CLIENT_AUTH=private_key_jwt an RSA
#     Key Vault key the identity may only sign with ("Key Vault Crypto User"), or for
#     CLIENT_AUTH=federated the identity as a federated credential of the Entra app registration.
#
# Usage: deploy/azure/provision.sh [--dry-run] [--help]
#   --dry-run   print every command instead of running it (nothing is read from or sent to Azure)
# Settings (environment): PREFIX (codes), LOCATION (westeurope), RESOURCE_GROUP (<prefix>-rg),
#   STORAGE_ACCOUNT (<prefix>storage), KEY_VAULT (<prefix>-kv), IMAGE (<prefix>registry.azurecr.io/
#   integrated-auth-service:1), REGISTRY_SERVER (host part of IMAGE), THIRD_PARTY_API_ENDPOINT,
#   QUEUE_NAME (code-requests), CODE_TABLE (validcodes), MAX_WATCHERS (10),
#   REDIS_NAME (<prefix>-redis), REDIS_SKU (Balanced_B0), ACS_NAME (<prefix>-acs), EMAIL_SERVICE
#   (<prefix>-email), ACS_DATA_LOCATION (Europe).
# Sign-in (optional): AUTH_PROVIDER (entra | keycloak | oidc), OIDC_CLIENT_ID, ENTRA_TENANT_ID
#   (the subscription's tenant), KEYCLOAK_URL + KEYCLOAK_REALM, OIDC_ISSUER_URL,
#   CLIENT_AUTH (AUTH_CLIENT_AUTH: federated | private_key_jwt | client_secret_basic | client_secret_post),
#   CLIENT_KEY_NAME (oidc-client-key).
set -euo pipefail

dry_run=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    -h|--help) sed -n '2,36p' "$0"; exit 0 ;;
    *) echo "provision.sh: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

PREFIX="${PREFIX:-codes}"
LOCATION="${LOCATION:-westeurope}"
RESOURCE_GROUP="${RESOURCE_GROUP:-${PREFIX}-rg}"
STORAGE_ACCOUNT="${STORAGE_ACCOUNT:-${PREFIX}storage}"
KEY_VAULT="${KEY_VAULT:-${PREFIX}-kv}"
IDENTITY="${IDENTITY:-${PREFIX}-id}"
ENVIRONMENT="${ENVIRONMENT:-${PREFIX}-env}"
API_APP="${API_APP:-${PREFIX}-api}"
WATCHER_APP="${WATCHER_APP:-${PREFIX}-watcher}"
NUMBERS_APP="${NUMBERS_APP:-${PREFIX}-numbers}"
IMAGE="${IMAGE:-${PREFIX}registry.azurecr.io/integrated-auth-service:1}"
REGISTRY_SERVER="${REGISTRY_SERVER:-${IMAGE%%/*}}"
QUEUE_NAME="${QUEUE_NAME:-code-requests}"
POISON_QUEUE="${QUEUE_NAME}-poison"
CODE_TABLE="${CODE_TABLE:-validcodes}"
SESSION_TABLE="${SESSION_TABLE:-sessions}"
SECRET_NAME="third-party-api-key"
METRICS_SECRET_NAME="metrics-scrape-token"
MAX_WATCHERS="${MAX_WATCHERS:-10}"
ARM_API="2023-05-01"
REDIS_NAME="${REDIS_NAME:-${PREFIX}-redis}"
REDIS_SKU="${REDIS_SKU:-Balanced_B0}"
REDIS_API="2025-04-01"
ACS_NAME="${ACS_NAME:-${PREFIX}-acs}"
EMAIL_SERVICE="${EMAIL_SERVICE:-${PREFIX}-email}"
ACS_DATA_LOCATION="${ACS_DATA_LOCATION:-Europe}"
ACS_API="2023-04-01"
AUTH_PROVIDER="${AUTH_PROVIDER:-}"
CLIENT_AUTH="${CLIENT_AUTH:-}"
CLIENT_KEY_NAME="${CLIENT_KEY_NAME:-oidc-client-key}"
SESSION_SECRET_NAME="session-secret"
CLIENT_SECRET_NAME="oidc-client-secret"

case "$CLIENT_AUTH" in
  ''|federated|private_key_jwt|client_secret_basic|client_secret_post|none) ;;
  *) echo "provision.sh: CLIENT_AUTH must be federated, private_key_jwt, client_secret_basic, client_secret_post or none" >&2; exit 2 ;;
esac
if [ -n "$AUTH_PROVIDER" ] && [ -z "${OIDC_CLIENT_ID:-}" ]; then
  echo "provision.sh: AUTH_PROVIDER needs OIDC_CLIENT_ID (the app's client id at the IdP)" >&2; exit 2
fi
if [ "$CLIENT_AUTH" = federated ] && [ "$AUTH_PROVIDER" != entra ]; then
  echo "provision.sh: CLIENT_AUTH=federated creates an Entra federated credential: it needs AUTH_PROVIDER=entra" >&2; exit 2
fi

# Prints a command, shell-quoted, and runs it unless --dry-run.
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  if [ "$dry_run" = false ]; then "$@"; fi
}

# Like run, but the last argument (a secret value) is printed as *** and never logged.
run_secret() {
  local args=("$@")
  local shown=("${args[@]:0:${#args[@]}-1}" '***')
  printf '+'
  printf ' %q' "${shown[@]}"
  printf '\n'
  if [ "$dry_run" = false ]; then "$@"; fi
}

# A read-only query whose answer later commands need; in --dry-run a named placeholder.
query() {
  local placeholder="$1"
  shift
  if [ "$dry_run" = true ]; then
    printf '<%s>' "$placeholder"
  else
    "$@"
  fi
}

# True when the resource exists (always false in --dry-run, so every create is shown).
exists() {
  if [ "$dry_run" = true ]; then return 1; fi
  "$@" >/dev/null 2>&1
}

step() { printf '\n# %s\n' "$*"; }

step "1. Resource group"
run az group create --name "$RESOURCE_GROUP" --location "$LOCATION" --output none

step "2. Storage account: the queue, its poison queue and the tables (ARM PUTs: idempotent)"
run az storage account create --name "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \
  --sku Standard_LRS --kind StorageV2 --min-tls-version TLS1_2 --allow-blob-public-access false \
  --allow-shared-key-access false --output none
storage_id="$(query storage-account-id az storage account show --name "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP" --query id --output tsv)"
for queue in "$QUEUE_NAME" "$POISON_QUEUE"; do
  run az rest --method put --url "https://management.azure.com${storage_id}/queueServices/default/queues/${queue}?api-version=${ARM_API}" --body '{}' --output none
done
for table in "$CODE_TABLE" "$SESSION_TABLE"; do
  run az rest --method put --url "https://management.azure.com${storage_id}/tableServices/default/tables/${table}?api-version=${ARM_API}" --body '{}' --output none
done

step "3. Key Vault (RBAC mode) and the third-party key"
if ! exists az keyvault show --name "$KEY_VAULT" --resource-group "$RESOURCE_GROUP"; then
  run az keyvault create --name "$KEY_VAULT" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \
    --enable-rbac-authorization true --retention-days 7 --output none
fi
vault_id="$(query key-vault-id az keyvault show --name "$KEY_VAULT" --resource-group "$RESOURCE_GROUP" --query id --output tsv)"
me="$(query signed-in-user-object-id az ad signed-in-user show --query id --output tsv)"
# The person running this script writes the secrets; the app only reads them.
run az role assignment create --assignee-object-id "$me" --assignee-principal-type User \
  --role "Key Vault Secrets Officer" --scope "$vault_id" --output none
for secret in "$SECRET_NAME" "$METRICS_SECRET_NAME"; do
  if ! exists az keyvault secret show --vault-name "$KEY_VAULT" --name "$secret"; then
    # Generated here, never echoed; a re-run keeps the existing value (rotation is deliberate).
    value="$(query "generated-$secret" openssl rand -hex 32)"
    run_secret az keyvault secret set --vault-name "$KEY_VAULT" --name "$secret" --output none --value "$value"
  fi
done

step "4. Managed identity for the API and the watcher"
run az identity create --name "$IDENTITY" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" --output none
identity_id="$(query identity-resource-id az identity show --name "$IDENTITY" --resource-group "$RESOURCE_GROUP" --query id --output tsv)"
principal_id="$(query identity-principal-id az identity show --name "$IDENTITY" --resource-group "$RESOURCE_GROUP" --query principalId --output tsv)"
client_id="$(query identity-client-id az identity show --name "$IDENTITY" --resource-group "$RESOURCE_GROUP" --query clientId --output tsv)"

step "5. Role assignments, scoped to the one queue, table and secret each needs"
assign() {
  run az role assignment create --assignee-object-id "$principal_id" --assignee-principal-type ServicePrincipal \
    --role "$1" --scope "$2" --output none
}
assign "Storage Queue Data Contributor" "${storage_id}/queueServices/default/queues/${QUEUE_NAME}"
assign "Storage Queue Data Contributor" "${storage_id}/queueServices/default/queues/${POISON_QUEUE}"
assign "Storage Table Data Contributor" "${storage_id}/tableServices/default/tables/${CODE_TABLE}"
assign "Storage Table Data Contributor" "${storage_id}/tableServices/default/tables/${SESSION_TABLE}"
assign "Key Vault Secrets User" "${vault_id}/secrets/${SECRET_NAME}"
assign "Key Vault Secrets User" "${vault_id}/secrets/${METRICS_SECRET_NAME}"
if [[ "$REGISTRY_SERVER" == *.azurecr.io ]]; then
  registry_id="$(query registry-id az acr show --name "${REGISTRY_SERVER%%.*}" --query id --output tsv)"
  assign "AcrPull" "$registry_id"
fi

if [ -n "$AUTH_PROVIDER" ]; then
  step "5a. Sign-in with no client secret to keep: the session secret, and the client's key or federated credential"
  # The session secret: generated once; rotating it is adding a version (docs/no-secrets.md), which
  # signs nobody out while the previous version is still enabled.
  if ! exists az keyvault secret show --vault-name "$KEY_VAULT" --name "$SESSION_SECRET_NAME"; then
    value="$(query "generated-$SESSION_SECRET_NAME" openssl rand -base64 48)"
    run_secret az keyvault secret set --vault-name "$KEY_VAULT" --name "$SESSION_SECRET_NAME" --output none --value "$value"
  fi
  assign "Key Vault Secrets User" "${vault_id}/secrets/${SESSION_SECRET_NAME}"
  case "$CLIENT_AUTH" in
    private_key_jwt)
      # An RSA key that signs in the vault: the private key never leaves it, the app may only sign.
      run az role assignment create --assignee-object-id "$me" --assignee-principal-type User \
        --role "Key Vault Crypto Officer" --scope "$vault_id" --output none
      if ! exists az keyvault key show --vault-name "$KEY_VAULT" --name "$CLIENT_KEY_NAME"; then
        run az keyvault key create --vault-name "$KEY_VAULT" --name "$CLIENT_KEY_NAME" --kty RSA --size 2048 --ops sign verify --output none
      fi
      assign "Key Vault Crypto User" "${vault_id}/keys/${CLIENT_KEY_NAME}"
      ;;
    federated)
      # Entra trusts the identity's own tokens (api://AzureADTokenExchange) as the app's credential.
      tenant_id="${ENTRA_TENANT_ID:-$(query tenant-id az account show --query tenantId --output tsv)}"
      if ! exists az ad app federated-credential show --id "$OIDC_CLIENT_ID" --federated-credential-id "$IDENTITY"; then
        run az ad app federated-credential create --id "$OIDC_CLIENT_ID" --parameters \
          "{\"name\":\"${IDENTITY}\",\"issuer\":\"https://login.microsoftonline.com/${tenant_id}/v2.0\",\"subject\":\"${principal_id}\",\"audiences\":[\"api://AzureADTokenExchange\"],\"description\":\"The API's managed identity: no client secret\"}" --output none
      fi
      ;;
    client_secret_basic|client_secret_post|'')
      # A client secret is the IdP's to issue: store it yourself (az keyvault secret set --name oidc-client-secret).
      assign "Key Vault Secrets User" "${vault_id}/secrets/${CLIENT_SECRET_NAME}"
      ;;
  esac
fi

step "5b. Azure Managed Redis: shared rate limits, Entra authentication only (ARM PUTs: idempotent)"
subscription_id="$(query subscription-id az account show --query id --output tsv)"
redis_id="/subscriptions/${subscription_id}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Cache/redisEnterprise/${REDIS_NAME}"
run az rest --method put --url "https://management.azure.com${redis_id}?api-version=${REDIS_API}" \
  --body "{\"location\":\"${LOCATION}\",\"sku\":{\"name\":\"${REDIS_SKU}\"},\"properties\":{\"minimumTlsVersion\":\"1.2\"}}" --output none
run az resource wait --ids "$redis_id" --created
# TLS only on 10000; no access keys (Entra tokens only); the Enterprise clustering policy presents
# one endpoint, so a plain (non-cluster) client works; nothing is evicted (sessions, counters).
run az rest --method put --url "https://management.azure.com${redis_id}/databases/default?api-version=${REDIS_API}" \
  --body '{"properties":{"clientProtocol":"Encrypted","port":10000,"clusteringPolicy":"EnterpriseCluster","evictionPolicy":"NoEviction","accessKeysAuthentication":"Disabled"}}' --output none
run az resource wait --ids "${redis_id}/databases/default" --created
# Data access for the app's identity: Redis' username is its object (principal) id.
run az rest --method put --url "https://management.azure.com${redis_id}/databases/default/accessPolicyAssignments/appidentity?api-version=${REDIS_API}" \
  --body "{\"properties\":{\"accessPolicyName\":\"default\",\"user\":{\"objectId\":\"${principal_id}\"}}}" --output none
redis_host="$(query redis-host az resource show --ids "$redis_id" --query properties.hostName --output tsv)"

step "5c. Communication Services for step-up codes: Email with an Azure-managed domain, the identity's role on the one resource (ARM PUTs: idempotent)"
comm_base="/subscriptions/${subscription_id}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Communication"
email_id="${comm_base}/emailServices/${EMAIL_SERVICE}"
run az rest --method put --url "https://management.azure.com${email_id}?api-version=${ACS_API}" \
  --body "{\"location\":\"global\",\"properties\":{\"dataLocation\":\"${ACS_DATA_LOCATION}\"}}" --output none
run az resource wait --ids "$email_id" --created
# An Azure-managed domain (DoNotReply@<guid>.azurecomm.net) works at once; link a verified custom
# domain later to send from your own.
domain_id="${email_id}/domains/AzureManagedDomain"
run az rest --method put --url "https://management.azure.com${domain_id}?api-version=${ACS_API}" \
  --body '{"location":"global","properties":{"domainManagement":"AzureManaged","userEngagementTracking":"Disabled"}}' --output none
run az resource wait --ids "$domain_id" --created
acs_id="${comm_base}/communicationServices/${ACS_NAME}"
run az rest --method put --url "https://management.azure.com${acs_id}?api-version=${ACS_API}" \
  --body "{\"location\":\"global\",\"properties\":{\"dataLocation\":\"${ACS_DATA_LOCATION}\",\"linkedDomains\":[\"${domain_id}\"]}}" --output none
run az resource wait --ids "$acs_id" --created
# The data plane (emails:send) takes the identity's Entra token when it holds this role on the
# resource; scoped to the one Communication Services resource, nothing else.
assign "Communication and Email Service Owner" "$acs_id"
acs_host="$(query acs-host az resource show --ids "$acs_id" --query properties.hostName --output tsv)"
mail_domain="$(query mail-from-domain az resource show --ids "$domain_id" --query properties.mailFromSenderDomain --output tsv)"

step "6. Container Apps environment"
if ! exists az containerapp env show --name "$ENVIRONMENT" --resource-group "$RESOURCE_GROUP"; then
  run az containerapp env create --name "$ENVIRONMENT" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" --output none
fi

# Creates a container app, or updates an existing one's image, arguments, scale and settings.
# Set before calling: create_args (create only: ingress, identity, registry), shared_args, env_vars.
create_args=()
shared_args=()
env_vars=()
upsert_app() {
  local name="$1"
  if exists az containerapp show --name "$name" --resource-group "$RESOURCE_GROUP"; then
    run az containerapp update --name "$name" --resource-group "$RESOURCE_GROUP" "${shared_args[@]}" \
      --set-env-vars "${env_vars[@]}" --output none
  else
    run az containerapp create --name "$name" --resource-group "$RESOURCE_GROUP" --environment "$ENVIRONMENT" \
      "${create_args[@]}" "${shared_args[@]}" --env-vars "${env_vars[@]}" --output none
  fi
}

vault_url="https://${KEY_VAULT}.vault.azure.net"
queue_url="https://${STORAGE_ACCOUNT}.queue.core.windows.net/${QUEUE_NAME}"
table_url="https://${STORAGE_ACCOUNT}.table.core.windows.net"
# Shared by every app: production mode, secrets from Key Vault as the identity (AZURE_CLIENT_ID
# picks the user-assigned identity in DefaultAzureCredential).
common_env=(NODE_ENV=production PORT=8080 "AZURE_CLIENT_ID=${client_id}" "KEY_VAULT_URL=${vault_url}" SECRETS_PROVIDER=keyvault)

step "7. The third-party number API"
endpoint="${THIRD_PARTY_API_ENDPOINT:-}"
base_create=(--registry-server "$REGISTRY_SERVER" --registry-identity "$identity_id" --user-assigned "$identity_id")
if [ -z "$endpoint" ]; then
  shared_args=(--image "$IMAGE" --min-replicas 1 --max-replicas 3 --args dist/dev/number-api/main.bundle.js)
  env_vars=("${common_env[@]}" NUMBER_API_HOST=0.0.0.0 NUMBER_API_PORT=8080 "THIRD_PARTY_API_SECRET_NAME=${SECRET_NAME}")
  create_args=("${base_create[@]}" --ingress external --target-port 8080)
  upsert_app "$NUMBERS_APP"
  fqdn="$(query numbers-fqdn az containerapp show --name "$NUMBERS_APP" --resource-group "$RESOURCE_GROUP" --query properties.configuration.ingress.fqdn --output tsv)"
  endpoint="https://${fqdn}/api/RandomNumber"
fi

step "8. The API: public ingress, stateless replicas scaled on concurrent requests"
shared_args=(--image "$IMAGE" --min-replicas 1 --max-replicas 10 --scale-rule-name http-concurrency
  --scale-rule-type http --scale-rule-http-concurrency 50 --args dist/apps/api/main.bundle.js)
# TRUST_PROXY=1: the Container Apps ingress (Envoy) is the one proxy in front and appends the
# client's address to X-Forwarded-For, so req.ip is the rightmost entry. Add 1 per proxy placed in
# front (Front Door, Application Gateway).
env_vars=("${common_env[@]}" "THIRD_PARTY_API_ENDPOINT=${endpoint}" "THIRD_PARTY_API_SECRET_NAME=${SECRET_NAME}"
  "STORAGE_QUEUE_URL=${queue_url}" "STORAGE_TABLE_URL=${table_url}" "CODE_TABLE_NAME=${CODE_TABLE}"
  TRUST_PROXY=1 DOCS_ENABLED=false METRICS_ENABLED=true METRICS_AUTH=token
  "METRICS_TOKEN_SECRET_NAME=${METRICS_SECRET_NAME}" OTEL_SERVICE_NAME=integrated-auth-api)
# Rate limits shared by every replica through Managed Redis, as the identity (no access key).
env_vars+=(THROTTLE_STORE=redis "REDIS_HOST=${redis_host}" REDIS_PORT=10000 REDIS_AUTH=entra "REDIS_USERNAME=${principal_id}")
# Step-up codes by ACS Email, as the identity.
env_vars+=(CODE_DELIVERY=acs-email "ACS_ENDPOINT=https://${acs_host}" "MAIL_FROM=DoNotReply@${mail_domain}")
create_args=("${base_create[@]}" --ingress external --target-port 8080)
upsert_app "$API_APP"
api_fqdn="$(query api-fqdn az containerapp show --name "$API_APP" --resource-group "$RESOURCE_GROUP" --query properties.configuration.ingress.fqdn --output tsv)"
# Redirect URIs and absolute links come from this, never from the Host header; sign-in needs it, so
# its settings go with it.
auth_env=()
if [ -n "$AUTH_PROVIDER" ]; then
  auth_env=("AUTH_PROVIDER=${AUTH_PROVIDER}" "OIDC_CLIENT_ID=${OIDC_CLIENT_ID}" "AUTH_CLIENT_AUTH=${CLIENT_AUTH:-client_secret_basic}")
  case "$AUTH_PROVIDER" in
    entra) auth_env+=("ENTRA_TENANT_ID=${ENTRA_TENANT_ID:-${tenant_id:-$(query tenant-id az account show --query tenantId --output tsv)}}") ;;
    keycloak) auth_env+=("KEYCLOAK_URL=${KEYCLOAK_URL:-}" "KEYCLOAK_REALM=${KEYCLOAK_REALM:-}") ;;
    *) auth_env+=("OIDC_ISSUER_URL=${OIDC_ISSUER_URL:-}") ;;
  esac
  if [ "$CLIENT_AUTH" = private_key_jwt ]; then auth_env+=("OIDC_CLIENT_KEY_NAME=${CLIENT_KEY_NAME}"); fi
fi
run az containerapp update --name "$API_APP" --resource-group "$RESOURCE_GROUP" \
  --set-env-vars "PUBLIC_BASE_URL=https://${api_fqdn}" "${auth_env[@]}" --output none

step "9. The watcher: competing consumers, scaled by KEDA on the queue length (azure-queue)"
shared_args=(--image "$IMAGE" --min-replicas 1 --max-replicas "$MAX_WATCHERS"
  --scale-rule-name queue-length --scale-rule-type azure-queue
  --scale-rule-metadata "queueName=${QUEUE_NAME}" queueLength=64 "accountName=${STORAGE_ACCOUNT}"
  --scale-rule-identity "$identity_id" --args dist/apps/watcher/main.bundle.js)
env_vars=("${common_env[@]}" "STORAGE_QUEUE_URL=${queue_url}" "STORAGE_TABLE_URL=${table_url}"
  "CODE_TABLE_NAME=${CODE_TABLE}" OPS_PORT=8080 METRICS_ENABLED=true METRICS_AUTH=token
  "METRICS_TOKEN_SECRET_NAME=${METRICS_SECRET_NAME}" OTEL_SERVICE_NAME=integrated-auth-watcher)
create_args=("${base_create[@]}")
upsert_app "$WATCHER_APP"

step "Done"
echo "API:       https://${api_fqdn}/  (getcode: https://${api_fqdn}/api/v1/getcode)"
echo "Queue:     ${queue_url}"
echo "Key Vault: ${vault_url}"
echo "Redis:     rediss://${redis_host}:10000 (Entra, user ${principal_id})"
echo "ACS:       https://${acs_host} (step-up codes from DoNotReply@${mail_domain})"
echo "Try it:    APP_URL=https://${api_fqdn} STORAGE_ACCOUNT=${STORAGE_ACCOUNT} deploy/azure/test.sh"
