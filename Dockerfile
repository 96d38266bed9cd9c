# One image recipe for every commlab service: docker build --build-arg SERVICE=order .
# Multi-stage: the build stage installs the service's production dependencies with pnpm;
# the runtime stage copies only what that service needs and runs it as the non-root `node`
# user. Services run their TypeScript sources directly (Node 24 type stripping): no compile step.
# Nothing here is tied to one CPU architecture. Builds the same under Docker (BuildKit) and
# Podman/Buildah 1.28+, which is why there is no `# syntax=` line: both read
# RUN --mount=type=secret natively. Podman keeps HEALTHCHECK only with BUILDAH_FORMAT=docker
# (infra/containers/env.sh sets it).

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG SERVICE
ARG PNPM_VERSION=10.34.8
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<order|inventory|notification|payment|console>" >&2; exit 1)
WORKDIR /app
# Behind a TLS-intercepting proxy, pass its CA: --secret id=extra_ca,src=/path/ca.pem (optional).
RUN --mount=type=secret,id=extra_ca,required=false \
    if [ -s /run/secrets/extra_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra_ca npm_config_cafile=/run/secrets/extra_ca; fi; \
    npm install --global --no-audit --no-fund pnpm@${PNPM_VERSION}
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
COPY patches ./patches
COPY packages ./packages
COPY services ./services
COPY protos ./protos
RUN --mount=type=secret,id=extra_ca,required=false \
    if [ -s /run/secrets/extra_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra_ca npm_config_cafile=/run/secrets/extra_ca; fi; \
    pnpm install --frozen-lockfile --prod --filter-prod "@commlab/${SERVICE}..." \
    && rm -rf services/*/test \
    && find packages services -name node_modules -prune -o -name '*.test.ts' -type f -exec rm -f {} +

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HOST=0.0.0.0 \
    LOG_FORMAT=json \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/protos ./protos
COPY --from=build /app/services/${SERVICE} ./services/${SERVICE}
# A service that runs a native program lists its Debian packages in services/<name>/debian-packages
# (lab 07's mesh-sidecar runs HAProxy, the same 2.6 as Debian 12's package natively).
RUN if [ -s services/${SERVICE}/debian-packages ]; then \
      apt-get update && apt-get install -y --no-install-recommends $(cat services/${SERVICE}/debian-packages) \
      && rm -rf /var/lib/apt/lists/*; \
    fi
RUN mkdir -p /app/data && chown node:node /app/data
USER node
# Compose files override this with the service's own target (its port and protocol);
# HEALTH_TARGET does the same for a plain `docker run`.
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=10 \
    CMD node packages/kit/src/probe.ts "${HEALTH_TARGET:-http://127.0.0.1:${PORT:-3000}/readyz}"
CMD ["sh", "-c", "exec node services/${SERVICE}/src/main.ts"]
