import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config/env'
import { startPlatform, type Platform } from '../../server/platform'
import type { PlantRef } from '../../server/ingest/refs'
import pino from 'pino'
import { connectClient, endClient, publish } from '../support/mqtt'
import { MIGRATIONS, createPlant, dropGroupMember } from '../support/platform'
import { SERVICES, createTestDatabase, uniqueId, waitFor } from '../support/services'

// Two ingest instances on one database and Mosquitto, in one MQTT 5 shared subscription group.
describe('MQTT_SHARED_GROUP: instances share the stream', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  const instances: Platform[] = []
  let publisher: MqttClient
  const group = uniqueId('grp')
  const tenant = uniqueId('shared').replaceAll('_', '-')

  beforeAll(async () => {
    db = await createTestDatabase()
    for (let i = 0; i < 2; i++) {
      const config = loadConfig({
        DATABASE_URL: db.url, MQTT_URL: SERVICES.mosquittoUrl, MQTT_SHARED_GROUP: group, MQTT_CLIENT_ID: `${group}-${i}`,
        REDIS_URL: SERVICES.redisUrl, BUS_CHANNEL_PREFIX: group, SIMULATOR: '0', DEMO_DATA: '0', INGEST_BATCH_MAX_MS: '10'
      })
      instances.push(await startPlatform(config, pino({ level: 'silent' }), MIGRATIONS))
    }
    await createPlant(instances[0]!, tenant, 'north', 'p1')
    publisher = await connectClient(SERVICES.mosquittoUrl, { protocolVersion: 5, clientId: uniqueId('shared-pub') })
  })

  afterAll(async () => {
    await endClient(publisher)
    for (const p of instances) await p.stop()
    for (let i = 0; i < instances.length; i++) await dropGroupMember(SERVICES.mosquittoUrl, group, `${group}-${i}`)
    await db?.drop()
  })

  it('stores each message once, with both instances taking part', async () => {
    const total = 400
    for (let seq = 1; seq <= total; seq++) {
      await publish(publisher, `factory/${tenant}/north/p1/m${seq % 5}/telemetry`, { schemaVersion: 1, timestamp: Date.now(), seq, values: { v: seq } })
    }
    const sql = instances[0]!.db.sql
    await waitFor(async () => (await sql.query<{ n: number }>('select count(*)::int as n from telemetry_events'))[0]!.n === total, 15_000, 'all stored')
    const [{ keys }] = await sql.query<{ keys: number }>('select count(distinct key)::int as keys from telemetry_events') as [{ keys: number }]
    expect(keys).toBe(total)
    const received = instances.map(p => p.stats.received)
    expect(received[0]! + received[1]!).toBe(total)
    expect(Math.min(...received)).toBeGreaterThan(0)
    // Both instances resolved the same new machines without creating them twice.
    expect((await sql.query<{ n: number }>('select count(*)::int as n from plcs'))[0]!.n).toBe(5)
  })

  it('tells the other instance, through Redis, that persistence rules changed', async () => {
    const [a, b] = instances as [Platform, Platform]
    const ref = (await a.refs.plant(tenant, 'north', 'p1')) as PlantRef
    expect(await b.rules.rulesFor(ref.tenantId)).toEqual([]) // now cached on b for 30 s
    await a.db.sql.query(`insert into persist_rules (tenant_id, metric, mode) values ($1, 'v', 'none')`, [ref.tenantId])
    a.persistRulesChanged(ref.tenantId)
    await waitFor(async () => (await b.rules.rulesFor(ref.tenantId)).length === 1, 10_000, 'b reloaded its rules')
  })
})
