# syntax=docker/dockerfile:1
# Production image of the API. Build: docker build -t ki-marktplatz .  (or docker-compose build)

FROM node:24-bookworm-slim AS build
WORKDIR /app
# .npmrc comes along so npm behaves as on the developers' machines (json=true, see docs/adr/0002).
COPY package.json package-lock.json .npmrc ./
# npm install, not npm ci: the lock file is written on linux-x64 and lacks other platforms' optional binaries.
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# package.json carries "type": "module", which makes Node load dist/ as ES modules.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# DATA_DIR (default /app/.data) is only used by local tokens and the embedded PostgreSQL, never in production; keep it writable anyway.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
# Node.js flags of the api process: apps/api/src/heap-tuning.ts (API_NODE_FLAGS), the same as npm start.
CMD ["node", "--max-semi-space-size=64", "--no-memory-reducer", "dist/apps/api/src/main.js"]
