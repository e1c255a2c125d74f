#!/usr/bin/env bash
# The container image's build and start steps, without Docker (no engine runs on CI machines):
#   1. build dist/ and bundle the entry points (as the Dockerfile's build stage does),
#   2. production install into a fresh directory: package.json + package-lock.json + dist/,
#      `npm ci --omit=dev` (as the prod-deps + runtime stages do),
#   3. drop the development-only processes from dist/dev/ (all but the number API stand-in, as the
#      Dockerfile does), check the three entry points are there and no dev dependency came along,
#   4. start each entry point's bundle (the image's commands) from that directory with NODE_ENV=production: the API (PORT; GET
#      /health/live), the watcher (OPS_PORT; GET /health/live) and the number API (GET with its
#      key); each must answer 200, then stop on SIGTERM with exit code 0.
# Usage: deploy/image/build-and-start.sh [--keep] [--skip-build]
#   IMAGE_DIR=<dir>    install there instead of a temp dir (kept afterwards)
#   PORT=<port>        port for the smoke start (default: a free one)
#   NPM_CI_FLAGS=...   extra flags for npm ci (default: --prefer-offline)
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
keep=false
build=true
for arg in "$@"; do
  case "$arg" in
    --keep) keep=true ;;
    --skip-build) build=false ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf 'image: %s\n' "$*" >&2; }

cd "$repo"
if [ "$build" = true ]; then
  log "building dist/ and the entry-point bundles"
  node node_modules/typescript/bin/tsc -p tsconfig.build.json
  node scripts/bundle.mjs
fi

if [ -n "${IMAGE_DIR:-}" ]; then
  dir="$IMAGE_DIR"
  keep=true
  mkdir -p "$dir"
else
  dir="$(mktemp -d "${TMPDIR:-/tmp}/image.XXXXXX")"
fi
api_pid=""
cleanup() {
  if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then kill -KILL "$api_pid" 2>/dev/null || true; fi
  if [ "$keep" = false ]; then rm -rf "$dir"; fi
}
trap cleanup EXIT

log "production install into $dir"
cp package.json package-lock.json "$dir/"
rm -rf "$dir/dist"
cp -R dist "$dir/dist"
# As the Dockerfile's build stage: only the number API stand-in of dist/dev/ is deployed (provision.sh).
find "$dir/dist/dev" -mindepth 1 -maxdepth 1 ! -name number-api -exec rm -rf {} +
# shellcheck disable=SC2086 # NPM_CI_FLAGS is a list of flags
(cd "$dir" && npm ci --omit=dev --no-audit --no-fund --ignore-scripts ${NPM_CI_FLAGS:---prefer-offline} >&2)

for entry in apps/api/main.bundle.js apps/watcher/main.bundle.js dev/number-api/main.bundle.js; do
  if [ ! -f "$dir/dist/$entry" ]; then
    log "missing entry point dist/$entry"
    exit 1
  fi
done
# (typescript is not checked: npm installs it as a peer of @nestjs/swagger in production too.)
for dev in jest @swc/core supertest azurite playwright-core oidc-provider; do
  if [ -e "$dir/node_modules/$dev" ]; then
    log "dev dependency $dev is in the production install"
    exit 1
  fi
done
log "entry points present: dist/apps/api/main.bundle.js dist/apps/watcher/main.bundle.js dist/dev/number-api/main.bundle.js; no dev dependencies"
log "dist/dev/ holds: $(find "$dir/dist/dev" -mindepth 1 -maxdepth 1 -printf '%f ')"

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# A production environment that validates without reaching anything: none of the checks below
# needs Azure Storage, Key Vault or the third-party API to answer.
smoke_env=(
  PATH="$PATH" HOME="$dir" NODE_ENV=production NODE_OPTIONS=--max-semi-space-size=8 HOST=127.0.0.1 LOG_LEVEL=warn
  SECRETS_PROVIDER=local SECRET_THIRD_PARTY_API_KEY=image-smoke-key SECRETS_STARTUP_RETRY_MAX_DELAY_SECONDS=1
  THIRD_PARTY_API_ENDPOINT=http://127.0.0.1:9/api/RandomNumber
  'AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;'
)

# smoke <label> <entry> <url to GET> [VAR=value…]: start the entry point from the install, wait for
# the URL to answer 200, then SIGTERM it and expect a clean exit.
smoke() {
  local label="$1" entry="$2" url="$3"
  shift 3
  log "starting the $label ($entry) from $dir"
  (cd "$dir" && exec env -i "${smoke_env[@]}" "$@" node "$entry") &
  api_pid=$!
  local status=""
  for _ in $(seq 1 100); do
    if ! kill -0 "$api_pid" 2>/dev/null; then
      log "the $label exited before answering"
      wait "$api_pid" || true
      exit 1
    fi
    status="$(node -e "fetch('$url').then(async r=>console.log(r.status+' '+(await r.text())),()=>console.log('down'))")"
    case "$status" in 200*) break ;; esac
    sleep 0.2
  done
  case "$status" in
    200*) log "$label: GET /${url#http://127.0.0.1:*/} -> $status" ;;
    *) log "$label: GET $url never answered 200 (last: $status)"; exit 1 ;;
  esac
  kill -TERM "$api_pid"
  local code=0
  wait "$api_pid" || code=$?
  api_pid=""
  if [ "$code" -ne 0 ]; then
    log "the $label exited with $code after SIGTERM"
    exit 1
  fi
  log "$label stopped cleanly on SIGTERM"
}

port="${PORT:-$(free_port)}"
smoke API dist/apps/api/main.bundle.js "http://127.0.0.1:$port/health/live" PORT="$port"
ops_port="$(free_port)"
smoke watcher dist/apps/watcher/main.bundle.js "http://127.0.0.1:$ops_port/health/live" OPS_PORT="$ops_port"
numbers_port="$(free_port)"
smoke "number API" dist/dev/number-api/main.bundle.js "http://127.0.0.1:$numbers_port/api/RandomNumber?code=image-smoke-key" \
  NUMBER_API_PORT="$numbers_port"
echo "image smoke test passed: the API, the watcher and the number API start from a production install in $dir"
