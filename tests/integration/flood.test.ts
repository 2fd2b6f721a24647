import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPrometheusRegistry, metricsReport } from '../../server/metrics-report'
import { connectClient, endClient, publish } from '../support/mqtt'
import { createPlant, startTestPlatform, type TestPlatform } from '../support/platform'
import { waitFor } from '../support/services'

const RATE = 20
const BURST = 20
const QUIET = 10
const FLOOD = QUIET * 50
const topic = (gw: string) => `factory/granix/ba/planta-1/gateway/${gw}/telemetry`
const event = (gw: string, i: number) => ({ schemaVersion: 1, timestamp: Date.now() - 60_000 + i, type: 'telemetry', gatewayId: gw, plcId: `${gw}-plc`, metricId: 'v', value: i })

// One gateway publishing 50× what another does: its excess is dead-lettered as rate_limited, and the
// quiet gateway's messages are all stored.
describe('a flooding gateway cannot starve the others', () => {
  let t: TestPlatform

  beforeAll(async () => {
    t = await startTestPlatform('embedded', { INGEST_GATEWAY_RATE_PER_S: String(RATE), INGEST_GATEWAY_BURST: String(BURST) })
    await createPlant(t.platform, 'granix', 'ba', 'planta-1')
  })

  afterAll(async () => {
    await t?.cleanup()
  })

  it('dead-letters the flood over its quota, stores every message of the quiet gateway, and counts it in /metrics', async () => {
    const client = await connectClient(t.mqttUrl, { protocolVersion: 4, clientId: 'flood-pub' })
    const started = Date.now()
    const sends: Promise<void>[] = []
    for (let i = 0; i < FLOOD; i++) {
      sends.push(publish(client, topic('flood-gw'), event('flood-gw', i)))
      if (i % (FLOOD / QUIET) === 0) sends.push(publish(client, topic('quiet-gw'), event('quiet-gw', i)))
    }
    await Promise.all(sends)
    const seconds = (Date.now() - started) / 1000
    await endClient(client)
    const sql = t.platform.db.sql
    const count = async (q: string) => (await sql.query<{ n: number }>(q))[0]!.n
    await waitFor(async () => await count('select count(*)::int as n from telemetry_events') + await count('select count(*)::int as n from dead_letters') === FLOOD + QUIET, 20_000, 'every message stored or dead-lettered')

    const perGateway = await sql.query<{ plc: string, n: number }>('select p.plc_id as plc, count(*)::int as n from telemetry_events e join plcs p on p.id = e.plc_id group by p.plc_id')
    const stored = Object.fromEntries(perGateway.map(r => [r.plc, r.n]))
    expect(stored['quiet-gw-plc']).toBe(QUIET)
    expect(stored['flood-gw-plc']).toBeGreaterThanOrEqual(BURST)
    expect(stored['flood-gw-plc']).toBeLessThanOrEqual(BURST + Math.ceil(RATE * (seconds + 1)))
    const limited = await sql.query<{ reason: string, n: number, topic: string }>('select reason, topic, count(*)::int as n from dead_letters group by reason, topic')
    expect(limited).toEqual([{ reason: 'rate_limited', topic: topic('flood-gw'), n: FLOOD - stored['flood-gw-plc']! }])

    const report = await metricsReport(t.platform, { connections: 0, coalesced: 0, dropped: 0, disconnectedSlow: 0 })
    expect(report.rateLimited).toBe(FLOOD - stored['flood-gw-plc']!)
    const text = await createPrometheusRegistry(() => report).metrics()
    expect(text).toContain(`ingest_rate_limited_total ${report.rateLimited}`)
    expect(text).toContain(`dead_letters_total{reason="rate_limited"} ${report.rateLimited}`)
  })

  it('lets an admin replay rate-limited dead letters without charging the quota again', async () => {
    const sql = t.platform.db.sql
    const ids = (await sql.query<{ id: number }>(`select id from dead_letters where reason = 'rate_limited' order by id limit 50`)).map(r => r.id)
    const result = await t.platform.replayDeadLetters(ids, 'test-admin')
    expect(result).toMatchObject({ replayed: 50, stored: 50 })
    expect(result.outcomes.every(o => o.outcome === 'stored')).toBe(true)
  })
})
