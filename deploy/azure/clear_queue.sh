#!/usr/bin/env bash
# The sample's scripts/clear_queue.sh: delete every message of the code queue (or, with --poison,
# of its poison queue). Uses your Azure CLI login (needs "Storage Queue Data Contributor").
# Usage: STORAGE_ACCOUNT=<account> deploy/azure/clear_queue.sh [--poison]
set -euo pipefail
: "${STORAGE_ACCOUNT:?set STORAGE_ACCOUNT to the storage account name}"
QUEUE_NAME="${QUEUE_NAME:-code-requests}"
if [ "${1:-}" = "--poison" ]; then QUEUE_NAME="${QUEUE_NAME}-poison"; fi

az storage message clear --queue-name "$QUEUE_NAME" --account-name "$STORAGE_ACCOUNT" --auth-mode login --output none
echo "Cleared ${QUEUE_NAME} in ${STORAGE_ACCOUNT}"
