#!/usr/bin/env bash
# The sample's scripts/test.sh: ask the API for a code, then look at the queue. Peeks instead of
# the sample's `az storage message get`, which would hide the message from the watcher for 30 s.
# Usage: APP_URL=https://<api-host> STORAGE_ACCOUNT=<account> deploy/azure/test.sh
set -euo pipefail
: "${APP_URL:?set APP_URL to the base URL of the API, as provision.sh prints it}"
: "${STORAGE_ACCOUNT:?set STORAGE_ACCOUNT to the storage account name}"
QUEUE_NAME="${QUEUE_NAME:-code-requests}"

echo "GET ${APP_URL%/}/api/v1/getcode"
curl --fail-with-body --silent --show-error "${APP_URL%/}/api/v1/getcode"
echo
echo "Messages waiting in ${QUEUE_NAME} (peek: not dequeued):"
az storage message peek --queue-name "$QUEUE_NAME" --account-name "$STORAGE_ACCOUNT" \
  --auth-mode login --num-messages 32 --output table
