import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, endClient, publish } from '../support/mqtt'
import { createPlant, startTestPlatform, type TestPlatform } from '../support/platform'
import { waitFor } from '../support/services'

// The embedded broker (MQTT 3.1.1) has no Receive Maximum: the ingest must hold the broker back itself.
describe('back-pressure when the database is slower than the broker', () => {
  let t: TestPlatform
  let maxOutstanding = 0

  beforeAll(async () => {
    t = await startTestPlatform('embedded', { INGEST_MAX_INFLIGHT: '4', INGEST_BATCH_SIZE: '3', INGEST_BATCH_MAX_MS: '5' })
    await createPlant(t.platform, 'granix', 'ba', 'planta-1')
  })

  afterAll(async () => {
    await t?.cleanup()
  })

  it('stops reading past the in-flight limit, loses nothing, and resumes', async () => {
    // Watch what the subscriber has handed on, at each hand-over.
    const push = t.platform.ingestor.push.bind(t.platform.ingestor)
    t.platform.ingestor.push = (m) => {
      push(m)
      maxOutstanding = Math.max(maxOutstanding, t.platform.subscriber.outstanding())
    }
    const client = await connectClient(t.mqttUrl, { protocolVersion: 4, clientId: 'bp-pub' })
    const total = 300
    await Promise.all(Array.from({ length: total }, (_, i) =>
      publish(client, 'factory/granix/ba/planta-1/bp-m1/telemetry', { schemaVersion: 1, timestamp: Date.now(), seq: i, values: { v: i } })))
    await endClient(client)
    await waitFor(async () => (await t.platform.db.sql.query<{ n: number }>('select count(*)::int as n from telemetry_events'))[0]!.n === total, 20_000, 'all stored')
    // Never more than twice the limit handed to the ingest at once (see the subscriber).
    expect(maxOutstanding).toBeLessThanOrEqual(8)
    expect(maxOutstanding).toBe(8)
    expect(t.platform.subscriber.isConnected()).toBe(true)
  })
})
