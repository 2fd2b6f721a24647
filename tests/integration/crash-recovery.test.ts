import type { MqttClient } from 'mqtt'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, endClient, publish } from '../support/mqtt'
import { dropSession } from '../support/platform'
import { startServer, type RunningServer } from '../support/server'
import { SERVICES, createTestDatabase, uniqueId, waitFor } from '../support/services'

const TOTAL = 800
const RATE_PER_S = 80
const MACHINES = 8
const KILL_AT = Math.floor(TOTAL / 3)

describe('kill -9 of the server in the middle of a QoS 1 stream through Mosquitto', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  let sql: postgres.Sql
  let server: RunningServer | undefined
  let publisher: MqttClient
  const clientId = uniqueId('pt-crash-ingest')
  const env = () => ({
    DATABASE_URL: db.url, MQTT_URL: SERVICES.mosquittoUrl, MQTT_CLIENT_ID: clientId, DEMO_DATA: '1',
    // A long batch window keeps messages received-but-uncommitted at the moment of the kill: acking
    // them on receipt would lose them.
    INGEST_BATCH_MAX_MS: '150', LOG_LEVEL: 'warn'
  })

  beforeAll(async () => {
    db = await createTestDatabase()
    sql = postgres(db.url, { max: 1, onnotice: () => {} })
    server = await startServer(env())
    publisher = await connectClient(SERVICES.mosquittoUrl, { clientId: uniqueId('pt-crash-pub'), protocolVersion: 5 })
  })

  afterAll(async () => {
    await endClient(publisher)
    await server?.stop()
    await dropSession(SERVICES.mosquittoUrl, clientId)
    await sql?.end()
    await db?.drop()
  })

  it('stores every message exactly once after a restart', async () => {
    let killed = false
    let sent = 0
    const started = Date.now()
    for (let seq = 1; seq <= TOTAL; seq++) {
      const machine = `crash-m${seq % MACHINES}`
      await publish(publisher, `factory/granix/ba/planta-1/${machine}/telemetry`, { schemaVersion: 1, timestamp: Date.now(), seq, values: { a: seq, b: -seq } })
      sent++
      if (!killed && seq === KILL_AT) {
        await server!.kill()
        killed = true
        // Publishing goes on while the server is down; the broker queues for its persistent session.
        void startServer(env()).then((s) => {
          server = s
        })
      }
      const due = started + (seq * 1000) / RATE_PER_S
      if (due > Date.now()) await new Promise(r => setTimeout(r, due - Date.now()))
    }
    expect(sent).toBe(TOTAL)
    expect(killed).toBe(true)
    await waitFor(async () => (await sql`select count(*)::int as n from telemetry_events`)[0]!.n >= TOTAL * 2, 60_000, 'every value stored')
    // Give late redeliveries a moment to show up as duplicates, if there were any.
    await new Promise(r => setTimeout(r, 1000))
    const [stats] = await sql`select count(*)::int as n, count(distinct key)::int as keys, count(distinct (key, metric))::int as values from telemetry_events`
    expect(stats).toEqual({ n: TOTAL * 2, keys: TOTAL, values: TOTAL * 2 })
    const missing = await sql`select s from generate_series(1, ${TOTAL}) s where not exists (select 1 from telemetry_events where seq = s)`
    expect(missing).toEqual([])
    expect((await sql`select count(*)::int as n from dead_letters`)[0]!.n).toBe(0)
  })
})
