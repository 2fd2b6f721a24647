/**
 * Fault tests (`npm run test:faults`): a steady QoS 1 load through a private Mosquitto into the built
 * app on a private PostgreSQL and Redis, while each fault happens; after each, every published
 * message must be stored exactly once, plc_state must hold the newest values and nothing may be left
 * pending. Prints a table; exits 1 on any loss, duplicate, dead letter or missed expectation.
 *
 * Never touches this machine's shared PostgreSQL, Redis or Mosquitto: it starts its own on free
 * ports (PostgreSQL via initdb/pg_ctl as the postgres user) and removes them at the end, also on
 * failure or Ctrl-C. Needs a build (`npm run build`).
 *
 * Flags: --rate N (messages/s, 200) --only name,name (app-kill, broker-restart, postgres-stop,
 *   redis-stop, app-term, gateway-offline, two-instances)
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { numberFlag, parseFlags, rejectUnknown } from '../../bench/lib/args'
import { cleanupAll, installSignalHandlers, onCleanup } from '../../bench/lib/cleanup'
import { freePort } from '../../tests/support/server'
import { createSigningKey, serveCertificates } from '../../tests/support/signed-tokens'
import type { Row, RunContext } from './harness'
import { formatTable } from './table'
import { startPrivatePostgres } from './services/postgres'
import { startPrivateRedis } from './services/redis'
import { appKill } from './scenarios/app-kill'
import { brokerRestart } from './scenarios/broker-restart'
import { postgresStop } from './scenarios/postgres-stop'
import { redisStop } from './scenarios/redis-stop'
import { appTerm } from './scenarios/app-term'
import { gatewayOffline } from './scenarios/gateway-offline'
import { twoInstances } from './scenarios/two-instances'

const ROOT = resolve(import.meta.dirname, '../..')
const SCENARIOS: Record<string, (ctx: RunContext) => Promise<Row>> = {
  'app-kill': appKill,
  'broker-restart': brokerRestart,
  'postgres-stop': postgresStop,
  'redis-stop': redisStop,
  'app-term': appTerm,
  'gateway-offline': gatewayOffline,
  'two-instances': twoInstances
}
// The caller's shell must not point the apps at anything but this run's own services.
const SCRUBBED_ENV = ['DATABASE_URL', 'MQTT_URL', 'REDIS_URL', 'MQTT_SHARED_GROUP', 'FIREBASE_AUTH_EMULATOR_HOST', 'NODE_OPTIONS', 'PERSIST_DEFAULT_MODE']

const log = (line: string) => process.stdout.write(`${line}\n`)

async function context(rate: number): Promise<RunContext> {
  const key = createSigningKey('faults-kid')
  const certs = await serveCertificates([key])
  onCleanup('certificates', () => certs.server.close())
  const pg = startPrivatePostgres(await freePort())
  onCleanup('postgres', () => pg.destroy())
  const redis = await startPrivateRedis(await freePort())
  onCleanup('redis', () => redis.stop())
  log(`private PostgreSQL on ${pg.port}, Redis at ${redis.url}; a Mosquitto per fault`)
  return { pg, redis, key, certsUrl: certs.url, preload: resolve(ROOT, 'tests/support/google-certs-preload.mjs'), rate }
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2))
  rejectUnknown(flags, ['rate', 'only'])
  const only = flags.get('only')?.split(',') ?? Object.keys(SCENARIOS)
  for (const name of only) if (!SCENARIOS[name]) throw new Error(`unknown fault "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}`)
  if (!existsSync(resolve(ROOT, '.output/server/index.mjs'))) throw new Error('no build: run `npm run build` first')
  for (const v of SCRUBBED_ENV) Reflect.deleteProperty(process.env, v)
  installSignalHandlers()
  const started = Date.now()
  const ctx = await context(numberFlag(flags, 'rate', 200, 1))
  const rows: Row[] = []
  for (const name of only) {
    const t0 = Date.now()
    log(`— ${name} …`)
    try {
      rows.push(await SCENARIOS[name]!(ctx))
    } catch (err) {
      rows.push({ fault: name, recoveryMs: null, ok: false, notes: [`error: ${(err as Error).stack ?? err}`] })
    }
    log(`  ${rows.at(-1)!.ok ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  }
  log('')
  log(formatTable(rows))
  log(`\n${rows.filter(r => r.ok).length}/${rows.length} faults passed in ${((Date.now() - started) / 1000).toFixed(0)} s (${ctx.rate} msg/s)`)
  return rows.every(r => r.ok) ? 0 : 1
}

main()
  .then(async (code) => {
    await cleanupAll()
    process.exit(code)
  })
  .catch(async (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`)
    await cleanupAll()
    process.exit(1)
  })
