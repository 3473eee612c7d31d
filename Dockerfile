# syntax=docker/dockerfile:1
# Vouchsafe API image. NOT TESTED: no container runtime runs where Vouchsafe is built and tested; what the image runs,
# the bundle from scripts/bundle.mjs, is tested by .ci/run from a fresh directory (README, Deployment).
#
#   docker build -t vouchsafe .
#   docker run --read-only --tmpfs /tmp -e NODE_ENV=production -e DATABASE_URL=… -e VOUCHSAFE_KEYS=… vouchsafe
#   docker run --read-only --tmpfs /tmp -e DATABASE_URL=<migrator> vouchsafe node services/api/dist/cli/main.js db migrate
ARG NODE_IMAGE=node:20.19-bookworm-slim

# Build: every dependency (dev included), then the same bundle script CI tests.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
RUN npm install --global pnpm@12.4.2
COPY . .
RUN node scripts/bundle.mjs --out /bundle

# Run: the bundle only (production dependencies, built pages), owned by root and read-only to the process.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    VOUCHSAFE_MIGRATE=false
WORKDIR /app
COPY --from=build /bundle /app
# The image's unprivileged `node` user (uid 1000). Nothing is written outside /tmp (logs go to stdout), so the root
# filesystem can be read-only (--read-only / readOnlyRootFilesystem with a tmpfs on /tmp).
USER node
EXPOSE 8080
# Ready = the database answers and the schema is up to date (503 otherwise); /healthz is the liveness probe.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "services/api/dist/main.js"]
