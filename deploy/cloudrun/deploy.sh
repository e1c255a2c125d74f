#!/usr/bin/env bash
# Cloud Run, as in seed 004: build the image with Cloud Build, deploy it to asia-southeast1 with
# the settings passed by --set-env-vars, and allow unauthenticated calls (the Tini App's public
# routes). The same image as everywhere else; Cloud Run sets PORT (8080) and the container runs
# the Tini App backend entry point (dist/apps/tiniapp-backend/main.bundle.js).
# Improvements over the seed: Artifact Registry instead of the retired Container Registry, and the
# client secret from Secret Manager (--set-secrets) instead of a plain environment variable.
# Usage: PROJECT_ID=<project> CLIENT_KEY=<key> deploy/cloudrun/deploy.sh [--dry-run]
#   REGION (asia-southeast1), SERVICE (tiniapp-auth-backend), REPOSITORY (containers),
#   AUTH_ENDPOINT (https://api.tiki.vn/tiniapp-open-api), CLIENT_SECRET_SECRET (tiniapp-client-secret),
#   REDIS_URL (unset: rate limits per instance, THROTTLE_STORE=memory; set, e.g. a Memorystore
#   rediss:// URL reachable from the service: limits shared by all instances, THROTTLE_STORE=redis)
set -euo pipefail

dry_run=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "deploy.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

: "${PROJECT_ID:?set PROJECT_ID}"
: "${CLIENT_KEY:?set CLIENT_KEY (the Tini App client key)}"
REGION="${REGION:-asia-southeast1}"
SERVICE="${SERVICE:-tiniapp-auth-backend}"
REPOSITORY="${REPOSITORY:-containers}"
AUTH_ENDPOINT="${AUTH_ENDPOINT:-https://api.tiki.vn/tiniapp-open-api}"
CLIENT_SECRET_SECRET="${CLIENT_SECRET_SECRET:-tiniapp-client-secret}"
IMAGE="${REGION}-docker.pkg.dev/${PROJECT_ID}/${REPOSITORY}/integrated-auth-service:${TAG:-latest}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"

run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  if [ "$dry_run" = false ]; then "$@"; fi
}

# Shared limits only with a Redis to share them in; otherwise each instance counts on its own.
throttle_env=(--set-env-vars THROTTLE_STORE=memory)
if [ -n "${REDIS_URL:-}" ]; then
  throttle_env=(--set-env-vars THROTTLE_STORE=redis --set-env-vars "REDIS_URL=${REDIS_URL}")
fi

# Build from the repository root (the Dockerfile there).
run gcloud builds submit "$repo" --project "$PROJECT_ID" --region "$REGION" --tag "$IMAGE"

# TRUST_PROXY=1: Google's front end is the one proxy in front of a run.app URL and appends the
# client's address to X-Forwarded-For (the Tini App limits key on it). Behind an external
# Application Load Balancer it appends the client and its own address: use 2 there.
run gcloud run deploy "$SERVICE" --project "$PROJECT_ID" --image "$IMAGE" --region "$REGION" \
  --command node --args dist/apps/tiniapp-backend/main.bundle.js \
  --set-env-vars NODE_ENV=production \
  --set-env-vars TRUST_PROXY=1 \
  --set-env-vars "CLIENT_KEY=${CLIENT_KEY}" \
  --set-env-vars "AUTH_ENDPOINT=${AUTH_ENDPOINT}" \
  --set-secrets "CLIENT_SECRET=${CLIENT_SECRET_SECRET}:latest" \
  "${throttle_env[@]}" \
  --allow-unauthenticated
