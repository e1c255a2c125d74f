# syntax=docker/dockerfile:1.7
# One image, three entry points (the API is the default command):
#   docker run IMAGE                                 # the API            (node dist/apps/api/main.bundle.js)
#   docker run IMAGE dist/apps/watcher/main.bundle.js   # the queue watcher  (health + metrics on PORT)
#   docker run IMAGE dist/dev/number-api/main.bundle.js # the number API stand-in (listens on NUMBER_API_PORT)
# deploy/image/build-and-start.sh runs the same build and start steps without Docker (tests use it).

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: all dependencies, compile TypeScript to dist/ -------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the image brings its own Node, so the `node` dev dependency's download is skipped.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle.mjs ./scripts/
# tsc to dist/, then each production entry point bundled into one file (scripts/bundle.mjs): the
# processes start from dist/apps/<name>/main.bundle.js, ~2,400 fewer files to load at start.
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json && node scripts/bundle.mjs
# Development-only processes (src/dev/) stay out of the image: the dev IdP (oidc-provider is a dev
# dependency), the Tiki stand-in and the local-stack supervisor. The number API stand-in stays:
# deploy/azure/provision.sh deploys it as the sample's RandomNumber Function when no
# THIRD_PARTY_API_ENDPOINT is given, so it belongs to a deployment. Same rule in build-and-start.sh.
RUN find dist/dev -mindepth 1 -maxdepth 1 ! -name number-api -exec rm -rf {} +

# --- production dependencies only -------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

# --- runtime: no compiler, no dev dependencies, no npm cache, not root ------------------------
FROM ${NODE_IMAGE} AS runtime
# OPS_PORT: where the watcher serves /health/live and /metrics (the API serves them on PORT),
# so the one HEALTHCHECK fits every entry point but the number API stand-in.
# NODE_OPTIONS: 8 MB semi-spaces, as `npm run start:prod` (lower peak RSS, same throughput).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=8 \
    PORT=8080 \
    OPS_PORT=8080 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
# The files belong to root and are read-only for the app user; the app writes nothing to disk, so
# the root filesystem can be mounted read-only (Kubernetes: readOnlyRootFilesystem).
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health/live').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec form: node is PID 1's only child-free process and receives SIGTERM for graceful shutdown.
ENTRYPOINT ["node"]
CMD ["dist/apps/api/main.bundle.js"]
