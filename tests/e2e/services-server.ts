/**
 * The built server on this machine's real services, for the browser tests' `services` project:
 * a PostgreSQL database of its own (created here, dropped on exit), Redis with a bus prefix of its
 * own, the machine's Mosquitto with a client id of its own (its session ended on exit). The Auth
 * emulator, demo data and simulator as with the embedded defaults. The simulator's gateways leave
 * retained statuses (a Last Will after a simulated restart) on the demo plant's topics: cleared on
 * exit too, or the next run on this broker would receive them. Playwright starts it as a
 * webServer and stops it with SIGTERM.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { clearRetainedUnder } from '../support/mqtt'
import { dropSession } from '../support/platform'
import { clearRedisPrefix, createTestDatabase, SERVICES, uniqueId } from '../support/services'

const port = process.env.PORT ?? '3932'
const db = await createTestDatabase()
const prefix = uniqueId('e2e_bus')
const clientId = uniqueId('e2e-ingest')
const server = spawn(process.execPath, [resolve(import.meta.dirname, '../../.output/server/index.mjs')], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    PORT: port,
    DATABASE_URL: db.url,
    REDIS_URL: SERVICES.redisUrl,
    MQTT_URL: SERVICES.mosquittoUrl,
    MQTT_CLIENT_ID: clientId,
    BUS_CHANNEL_PREFIX: prefix
  }
})

let stopping = false
async function stop(code: number): Promise<void> {
  if (stopping) return
  stopping = true
  if (server.exitCode === null) {
    server.kill('SIGTERM')
    await new Promise(r => server.once('exit', r))
  }
  await Promise.allSettled([
    db.drop(), clearRedisPrefix(prefix), dropSession(SERVICES.mosquittoUrl, clientId),
    clearRetainedUnder(SERVICES.mosquittoUrl, 'ops/granix/ba/planta-1/gateway/+/status')
  ])
  process.exit(code)
}
process.on('SIGTERM', () => void stop(0))
process.on('SIGINT', () => void stop(0))
server.once('exit', code => void stop(code ?? 1))
