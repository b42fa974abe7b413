# syntax=docker/dockerfile:1
# target-ledger as a container: TypeScript compiled with the dev tools, production dependencies
# installed with a C++ toolchain (better-sqlite3 compiles when no prebuilt binary fits), and a slim
# runtime without compilers. Every stage uses the same Node image, so the native addon's ABI matches.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY domain ./domain
COPY seeds ./seeds
COPY src ./src
COPY bench ./bench
RUN npm run build

FROM toolchain AS production-dependencies
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The seeds hold the report's text, read at run time to check the catalog's quotes.
COPY seeds ./seeds
# The dashboard's static files are served from the source tree (tsc copies no asset into dist/).
COPY src/http/dashboard/assets ./src/http/dashboard/assets
# Read models (and, with STORE=sqlite, the event log) live under DATA_DIR, owned by the unprivileged user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Exec form: node is PID 1 and receives SIGTERM itself, which drains requests and closes the store.
CMD ["node", "dist/src/cli/main.js", "serve"]
