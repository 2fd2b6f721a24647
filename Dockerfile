# Multi-stage build: the runtime image holds only the built server and the SQL migrations.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies' install scripts are not needed (STACK-NOTES 2); `nuxt build` prepares by itself.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
# Production mode refuses the Auth emulator: run with FIREBASE_PROJECT_ID (and FIREBASE_API_KEY,
# GOOGLE_APPLICATION_CREDENTIALS for user management), DATABASE_URL, MQTT_URL and REDIS_URL; for an
# mTLS broker (AWS IoT Core, Mosquitto) MQTT_CA_PATH, MQTT_CERT_PATH, MQTT_KEY_PATH. See compose.yaml.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 MIGRATIONS_DIR=/app/drizzle DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/.output ./.output
# Migrations are read from disk at start (drizzle does not bundle them).
COPY --from=build /app/drizzle ./drizzle
# /cold: the archive folder compose.yaml mounts as a volume shared by the instances (a new named
# volume takes this directory's owner, so the app can write to it).
RUN mkdir -p /data /cold && chown node:node /data /cold
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:3000/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", ".output/server/index.mjs"]
