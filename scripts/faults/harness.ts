import { openDatabase, type Database } from '../../server/db/client'
import { startMosquitto, type Mosquitto } from '../../bench/lib/mosquitto'
import { freePort } from '../../tests/support/server'
import { uniqueId } from '../../tests/support/services'
import { idTokenClaims, signToken, type SigningKey } from '../../tests/support/signed-tokens'
import { App } from './app'
import { SteadyLoad } from './load'
import { settle, type Outcome } from './verify'
import type { PrivatePostgres } from './services/postgres'
import type { PrivateRedis } from './services/redis'

export interface RunContext {
  pg: PrivatePostgres
  redis: PrivateRedis
  key: SigningKey
  certsUrl: string
  preload: string
  /** Messages per second the steady load publishes. */
  rate: number
}

export interface Row extends Partial<Outcome> {
  fault: string
  /** From the fault's start until the ingest had caught up (ms); null if it never did. */
  recoveryMs: number | null
  ok: boolean
  notes: string[]
}

const PROJECT = 'demo-plant-telemetry'

/**
 * What one fault runs against: a database of its own on the private PostgreSQL, a persistent
 * Mosquitto of its own (no session or queue leaks into the next fault), the app instance(s) and the
 * steady load. Everything the scenario started is undone by close().
 */
export class Scenario {
  readonly prefix = uniqueId('flt').replaceAll('_', '-')
  apps: App[] = []
  broker!: Mosquitto
  db!: Database
  load!: SteadyLoad
  private dbUrl = ''

  constructor(readonly ctx: RunContext) {}

  async open(o: { apps?: number, machines?: number, env?: Record<string, string> } = {}): Promise<this> {
    this.dbUrl = await this.ctx.pg.createDatabase(this.prefix.replaceAll('-', '_'))
    this.broker = await startMosquitto({ port: await freePort(), maxInflight: 0, maxQueued: 1_000_000, persistent: true })
    const shared: Record<string, string> = (o.apps ?? 1) > 1 ? { MQTT_SHARED_GROUP: `${this.prefix}-grp` } : {}
    for (let i = 0; i < (o.apps ?? 1); i++) {
      const app = new App(`app${i + 1}`, {
        DATABASE_URL: this.dbUrl, MQTT_URL: this.broker.url, REDIS_URL: this.ctx.redis.url, MQTT_CLIENT_ID: `${this.prefix}-ingest-${i}`,
        BUS_CHANNEL_PREFIX: this.prefix, DEMO_DATA: '1', LOG_LEVEL: 'info', NODE_OPTIONS: `--import ${this.ctx.preload}`,
        GOOGLE_CERTS_URL: this.ctx.certsUrl, ...shared, ...o.env
      })
      // One after the other: both migrate the same database at start.
      await app.start()
      this.apps.push(app)
    }
    this.db = await openDatabase({ kind: 'postgres', url: this.dbUrl, max: 2 })
    this.load = new SteadyLoad({ url: this.broker.url, rate: this.ctx.rate, machines: o.machines ?? 20, aRatio: 0.1, prefix: this.prefix })
    return this
  }

  /** An ID token of a viewer of the demo tenant, signed as Google would (the server fetches the test's certificate). */
  async viewerToken(): Promise<string> {
    const uid = `${this.prefix}-viewer`
    await this.db.sql.query(`insert into users (firebase_uid, email, tenant_id, role) select $1, $2, id, 'viewer' from tenants where slug = 'granix'`, [uid, `${uid}@faults.local`])
    return signToken(this.ctx.key, idTokenClaims(PROJECT, uid, `${uid}@faults.local`))
  }

  /** Messages received by running apps but not yet durable. */
  async pending(): Promise<number> {
    let n = 0
    for (const a of this.apps.filter(x => x.running)) n += (await a.health())?.parts.ingest?.pending ?? 0
    return n
  }

  /** Distinct warnings and errors the apps logged (pino level ≥ 40), with how often: shown when a fault fails. */
  appProblems(): string[] {
    const counts = new Map<string, number>()
    for (const app of this.apps) {
      for (const line of app.logs.join('').split('\n')) {
        if (!line.startsWith('{')) continue
        const l = JSON.parse(line) as { level: number, msg: string, err?: string }
        if (l.level < 40) continue
        const k = `${app.name}: ${l.msg}${l.err ? ` (${String(l.err).slice(0, 160)})` : ''}`
        counts.set(k, (counts.get(k) ?? 0) + 1)
      }
    }
    return [...counts].slice(0, 8).map(([k, n]) => `${n}× ${k}`)
  }

  async finish(): Promise<Outcome> {
    const report = await this.load.finish()
    return settle(this.db.sql, report, () => this.pending())
  }

  async close(): Promise<void> {
    await this.load?.close().catch(() => {})
    for (const a of this.apps) await a.kill().catch(() => {})
    await this.db?.close().catch(() => {})
    await this.broker?.stop().catch(() => {})
  }
}

/** A row from an outcome: ok when nothing was lost, duplicated, dead-lettered, stale or left pending. */
export function row(s: Scenario, fault: string, out: Outcome, recoveryMs: number | null, notes: string[], extraOk = true): Row {
  const ok = extraOk && out.verification.ok && out.lost === 0 && out.duplicated === 0 && out.deadLettered === 0 && !out.staleStates.length && out.limbo === 0 && recoveryMs !== null
  if (out.staleStates.length) notes.push(`stale plc_state: ${out.staleStates.slice(0, 3).join('; ')}`)
  if (!out.verification.ok) notes.push(`verification: ${JSON.stringify({ lost: out.lost, machines: out.verification.machineMismatches.slice(0, 2), a: out.verification.aStreamMismatches.slice(0, 2) })}`)
  // What the apps and the broker complained about says where to look when a fault fails.
  if (!ok || process.env.FAULTS_VERBOSE) notes.push(...s.appProblems(), ...s.broker.log.slice(-5).map(l => `broker: ${l.trim()}`))
  return { fault, ...out, recoveryMs, ok, notes }
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
