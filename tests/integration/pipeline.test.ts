import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlatformEvent } from '../../server/bus/events'
import { tenantPattern } from '../../server/bus/events'
import { RefResolver, type PlantRef } from '../../server/ingest/refs'
import { clearRetained, connectClient, endClient, publish } from '../support/mqtt'
import { createPlant, startTestPlatform, type Target, type TestPlatform } from '../support/platform'
import { uniqueId, waitFor } from '../support/services'

const fixtures = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/seed-messages.json'), 'utf8')) as {
  messages: { name: string, topic: string, payload?: object, raw?: string, retain: boolean }[]
}

describe.each<Target>(['embedded', 'services'])('ingest pipeline on the %s target', (target) => {
  let t: TestPlatform
  let client: MqttClient
  const tenant = uniqueId('t').replaceAll('_', '-')
  const plant = 'plant-a'
  const topicB = (machine: string) => `factory/${tenant}/north/${plant}/${machine}/telemetry`
  const statusTopic = (gw: string) => `ops/${tenant}/north/${plant}/gateway/${gw}/status`
  const retainedTopics: string[] = []
  const events: PlatformEvent[] = []
  const q = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => t.platform.db.sql.query<T>(text, params)
  const count = async (text: string, params: unknown[] = []) => (await q<{ n: number }>(`select count(*)::int as n from ${text}`, params))[0]!.n

  beforeAll(async () => {
    t = await startTestPlatform(target, { GATEWAY_OFFLINE_AFTER_S: '1.5', WATCHDOG_INTERVAL_MS: '100' })
    await createPlant(t.platform, 'granix', 'ba', 'planta-1')
    await createPlant(t.platform, tenant, 'north', plant)
    t.platform.bus.subscribe(tenantPattern(t.platform.config.busPrefix, '*'), (_c, e) => events.push(e))
    client = await connectClient(t.mqttUrl, { protocolVersion: t.protocolVersion, clientId: uniqueId('test-pub') })
    // Redis delivers subscriptions asynchronously; give the pattern subscription a moment.
    await new Promise(r => setTimeout(r, 200))
  })

  afterAll(async () => {
    if (client) {
      await clearRetained(client, retainedTopics)
      await endClient(client)
    }
    await t?.cleanup()
  })

  it('accepts every seed message exactly as written', async () => {
    for (const m of fixtures.messages) {
      if (m.retain) retainedTopics.push(m.topic)
      await publish(client, m.topic, m.raw ?? JSON.stringify(m.payload), { retain: m.retain })
    }
    await waitFor(async () => (await count(`gateway_status_history h join gateways g on g.id = h.gateway_id where g.thing_name = 'granix-ba-gateway-1'`)) >= 2, 10_000, 'seed status messages')
    await waitFor(() => t.platform.ingestor.pending === 0 && t.platform.stats.processed >= fixtures.messages.length, 10_000, 'all seed messages processed')
    expect(await count('dead_letters where topic = any($1)', [fixtures.messages.map(m => m.topic)])).toBe(0)
    const plcs = await q<{ plc_id: string, status: string }>(`select plc_id, status from plcs order by plc_id`)
    expect(plcs).toEqual([{ plc_id: 'plc-03', status: 'pending' }, { plc_id: 'press-01', status: 'pending' }])
    // The two shape A events share their key (same PLC, metric and timestamp): stored once, first wins.
    const a = await q<{ value_num: number }>(`select value_num from telemetry_events e join plcs p on p.id = e.plc_id where p.plc_id = 'plc-03'`)
    expect(a).toEqual([{ value_num: 83.2 }])
    const b = await q<{ metric: string, value_num: number | null, value_bool: boolean | null, value_text: string | null }>(
      `select metric, value_num, value_bool, value_text from telemetry_events e join plcs p on p.id = e.plc_id where p.plc_id = 'press-01' order by metric`)
    expect(b).toEqual([
      { metric: 'mode', value_num: null, value_bool: null, value_text: 'auto' },
      { metric: 'pressure', value_num: 4.2, value_bool: null, value_text: null },
      { metric: 'running', value_num: null, value_bool: true, value_text: null },
      { metric: 'temp_head', value_num: 83.2, value_bool: null, value_text: null }
    ])
    const gws = await q<{ thing_name: string, approval: string, status: string, status_reason: string | null, health: Record<string, unknown> }>(
      `select thing_name, approval, status, status_reason, health from gateways order by thing_name`)
    expect(gws.map(g => [g.thing_name, g.approval, g.status, g.status_reason])).toEqual([
      ['granix-ba-gateway-1', 'pending', 'offline', 'unexpected_disconnect'],
      ['granix-ba-gw-01', 'pending', 'online', null]
    ])
    expect(gws[0]!.health).toMatchObject({ plcLink: 'ok', bufferMode: 'disk', queuedMessages: 0, version: '1.0.0' })
    expect(await count(`telemetry_hourly`)).toBe(5)
  })

  it('publishes the normalised event on the bus after commit', async () => {
    const ts = Date.now()
    await publish(client, topicB('bus-m1'), { schemaVersion: 1, timestamp: ts, seq: 1, values: { temperature: 22.6 } })
    const e = await waitFor(() => events.find(x => x.type === 'telemetry' && x.plcId === 'bus-m1'), 5000, 'bus event')
    expect(e).toEqual({ type: 'telemetry', tenant, site: plant, plcId: 'bus-m1', ts, values: { temperature: 22.6 } })
    expect(await count(`plc_state s join plcs p on p.id = s.plc_id where p.plc_id = 'bus-m1'`)).toBe(1)
  })

  it('stores a redelivered message (same key) once', async () => {
    const msg = { schemaVersion: 1, timestamp: Date.now(), seq: 42, values: { a: 1, b: 2 } }
    await publish(client, topicB('dup-m1'), msg)
    await publish(client, topicB('dup-m1'), msg)
    await publish(client, topicB('dup-m1'), { ...msg, seq: 43, timestamp: msg.timestamp + 1 })
    await waitFor(async () => (await count(`plc_state s join plcs p on p.id = s.plc_id where p.plc_id = 'dup-m1' and s.ts = to_timestamp($1 / 1000.0)`, [msg.timestamp + 1])) === 2, 5000, 'last message')
    expect(await count(`telemetry_events e join plcs p on p.id = e.plc_id where p.plc_id = 'dup-m1'`)).toBe(4)
    const hourly = await q<{ n: number }>(`select sum(count)::int as n from telemetry_hourly h join plcs p on p.id = h.plc_id where p.plc_id = 'dup-m1'`)
    expect(hourly[0]!.n).toBe(4)
  })

  it('never lets an older value overwrite a newer one in plc_state', async () => {
    const now = Date.now()
    await publish(client, topicB('lww-m1'), { schemaVersion: 1, timestamp: now, seq: 2, values: { level: 20, other: 1 } })
    await publish(client, topicB('lww-m1'), { schemaVersion: 1, timestamp: now - 60_000, seq: 1, values: { level: 10 } })
    await waitFor(async () => (await count(`telemetry_events e join plcs p on p.id = e.plc_id where p.plc_id = 'lww-m1'`)) === 3, 5000, 'both stored')
    const state = await q<{ metric: string, value_num: number }>(`select metric, value_num from plc_state s join plcs p on p.id = s.plc_id where p.plc_id = 'lww-m1' order by metric`)
    expect(state).toEqual([{ metric: 'level', value_num: 20 }, { metric: 'other', value_num: 1 }])
  })

  it('dead-letters bad messages with their reason and raw bytes, and keeps going', async () => {
    const good = { schemaVersion: 1, timestamp: Date.now(), seq: 1, values: { x: 1 } }
    const nonUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])
    const cases: [string, string | Buffer, string][] = [
      [`factory/nosuchtenant/north/${plant}/m/telemetry`, JSON.stringify(good), 'unknown_tenant'],
      [`factory/${tenant}/north/nosuchplant/m/telemetry`, JSON.stringify(good), 'unknown_plant'],
      [`factory/${tenant}/south/${plant}/m/telemetry`, JSON.stringify(good), 'unknown_plant'],
      [`factory/${tenant}/north/${plant}/gateway/gw-1/telemetry`, JSON.stringify({ schemaVersion: 1, timestamp: Date.now(), type: 'telemetry', tenant: 'someone-else', plcId: 'p', metricId: 'm', value: 1 }), 'topic_mismatch'],
      [topicB('bad-m1'), '{"schemaVersion":1,"timestamp":', 'invalid_json'],
      [topicB('bad-m1'), JSON.stringify({ ...good, seq: 'one' }), 'invalid_payload'],
      [topicB('bad-m1'), JSON.stringify({ schemaVersion: 1, timestamp: Date.now() }), 'invalid_payload'],
      [topicB('bad-m1'), JSON.stringify({ ...good, values: { x: 'y'.repeat(1024 * 1024) } }), 'payload_too_large'],
      [topicB('bad-m1'), nonUtf8, 'invalid_encoding'],
      [topicB('bad-m1'), JSON.stringify({ ...good, timestamp: Date.now() + 3600_000 }), 'timestamp_in_future'],
      [topicB('bad-m1'), JSON.stringify({ ...good, values: { x: 'nul\u0000byte' } }), 'invalid_payload']
    ]
    const before = await count('dead_letters')
    for (const [topic, payload] of cases) await publish(client, topic, payload)
    await publish(client, topicB('after-bad'), good)
    await waitFor(async () => (await count(`plc_state s join plcs p on p.id = s.plc_id where p.plc_id = 'after-bad'`)) === 1, 10_000, 'good message after the bad ones')
    await waitFor(async () => (await count('dead_letters')) - before === cases.length, 5000, 'all dead letters')
    const rows = (await q<{ topic: string, reason: string, detail: string, payload: Uint8Array }>(`select topic, reason, detail, payload from dead_letters order by id desc limit $1`, [cases.length])).reverse()
    // Two batches may commit out of order: compare as sets.
    const byReason = (reason: string) => rows.filter(r => r.reason === reason)
    expect(rows.map(r => `${r.reason} ${r.topic}`).sort()).toEqual(cases.map(([topic, , reason]) => `${reason} ${topic}`).sort())
    expect(Buffer.from(byReason('invalid_encoding')[0]!.payload).equals(nonUtf8)).toBe(true)
    expect(Buffer.from(byReason('payload_too_large')[0]!.payload).length).toBeGreaterThan(1024 * 1024)
    expect(byReason('invalid_payload').map(r => r.detail).join(' ')).toContain('seq')
    // No machine was created from a rejected message.
    expect(await count(`plcs where plc_id = 'm'`)).toBe(0)
  })

  it('replays dead letters once what made them fail is fixed', async () => {
    const newTenant = `${tenant}-late`
    const msg = { schemaVersion: 1, timestamp: Date.now(), seq: 1, values: { late: 1 } }
    await publish(client, `factory/${newTenant}/north/${plant}/late-m1/telemetry`, msg)
    const [dl] = await waitFor(() => q<{ id: number }>(`select id from dead_letters where tenant_slug = $1 and reason = 'unknown_tenant'`, [newTenant]).then(r => (r.length ? r : undefined)), 5000, 'dead letter')
    await createPlant(t.platform, newTenant, 'north', plant)
    expect(await t.platform.replayDeadLetters([dl!.id], 'pipeline-test')).toEqual({ replayed: 1, stored: 1, outcomes: [{ id: dl!.id, outcome: 'stored' }] })
    expect(await count(`telemetry_events e join plcs p on p.id = e.plc_id where p.plc_id = 'late-m1'`)).toBe(1)
    expect(await q(`select replay_count from dead_letters where id = $1`, [dl!.id])).toEqual([{ replay_count: 1 }])
    // Replaying one that still fails records a new dead letter and says so.
    const [bad] = await q<{ id: number }>(`select id from dead_letters where reason = 'invalid_json' order by id limit 1`)
    const before = await count('dead_letters')
    expect(await t.platform.replayDeadLetters([bad!.id], 'pipeline-test')).toEqual({ replayed: 1, stored: 0, outcomes: [{ id: bad!.id, outcome: 'dead_lettered', reason: 'invalid_json', detail: expect.any(String) }] })
    expect(await count('dead_letters')).toBe(before + 1)
  })

  it('reloads persistence rules when told they changed', async () => {
    const ref = (await t.platform.refs.plant(tenant, 'north', plant)) as PlantRef
    const metricCount = () => count(`telemetry_events e join plcs p on p.id = e.plc_id where p.plc_id = 'rules-m1'`)
    await publish(client, topicB('rules-m1'), { schemaVersion: 1, timestamp: Date.now(), seq: 1, values: { r: 1 } })
    await waitFor(async () => (await metricCount()) === 1, 5000, 'stored by default')
    await q(`insert into persist_rules (tenant_id, plc_id, mode) select $1, id, 'none' from plcs where plc_id = 'rules-m1'`, [ref.tenantId])
    t.platform.persistRulesChanged(ref.tenantId)
    await new Promise(r => setTimeout(r, 100))
    await publish(client, topicB('rules-m1'), { schemaVersion: 1, timestamp: Date.now(), seq: 2, values: { r: 2 } })
    await waitFor(async () => (await q(`select 1 from plc_state s join plcs p on p.id = s.plc_id where p.plc_id = 'rules-m1' and s.value_num = 2`)).length, 5000, 'live state updated')
    expect(await metricCount()).toBe(1)
  })

  it('isolates a message the database refuses, dead-letters it, and stores the rest of its batch', async () => {
    // A real refusal from the database: a constraint these test values break.
    await q(`alter table telemetry_events add constraint no_poison check (value_text is distinct from 'poison')`)
    try {
      const ts = Date.now()
      const msgs = [1, 2, 3, 4, 5].map(seq => ({ schemaVersion: 1, timestamp: ts + seq, seq, values: { v: seq === 3 ? 'poison' : `ok-${seq}` } }))
      await Promise.all(msgs.map(m => publish(client, topicB('poison-m1'), m)))
      await waitFor(async () => (await count(`dead_letters where reason = 'processing_error'`)) === 1, 10_000, 'processing_error dead letter')
      await waitFor(async () => (await count(`telemetry_events e join plcs p on p.id = e.plc_id where p.plc_id = 'poison-m1'`)) === 4, 10_000, 'the four good messages')
      const [dl] = await q<{ detail: string, payload: Uint8Array }>(`select detail, payload from dead_letters where reason = 'processing_error'`)
      expect(JSON.parse(Buffer.from(dl!.payload).toString()).seq).toBe(3)
      expect(dl!.detail).toContain('no_poison')
    } finally {
      await q(`alter table telemetry_events drop constraint no_poison`)
    }
  })

  it('creates an unknown machine once, as pending, under concurrency', async () => {
    const publishers = await Promise.all(Array.from({ length: 4 }, (_, i) => connectClient(t.mqttUrl, { protocolVersion: t.protocolVersion, clientId: uniqueId(`race-${i}`) })))
    const ts = Date.now()
    await Promise.all(publishers.flatMap((c, i) => Array.from({ length: 25 }, (_, j) =>
      publish(c, topicB('race-m1'), { schemaVersion: 1, timestamp: ts + i * 100 + j, seq: i * 100 + j, values: { v: j } }))))
    await Promise.all(publishers.map(endClient))
    await waitFor(async () => (await count(`telemetry_events e join plcs p on p.id = e.plc_id where p.plc_id = 'race-m1'`)) === 100, 10_000, '100 values')
    expect(await q(`select status from plcs where plc_id = 'race-m1'`)).toEqual([{ status: 'pending' }])
    // Two resolvers (as two app instances would have) racing for the same new PLC agree on one row.
    const plantRef = (await t.platform.refs.plant(tenant, 'north', plant)) as PlantRef
    const ids = await Promise.all(Array.from({ length: 6 }, () => new RefResolver(t.platform.db.sql).plcId(plantRef, 'race-m2')))
    expect(new Set(ids).size).toBe(1)
    expect(await count(`plcs where plc_id = 'race-m2'`)).toBe(1)
  })

  it('stores what each persistence mode says', async () => {
    const ref = (await t.platform.refs.plant(tenant, 'north', plant)) as PlantRef
    for (const [metric, mode] of [['m_raw', 'raw'], ['m_hourly', 'hourly'], ['m_none', 'none']]) {
      await q(`insert into persist_rules (tenant_id, plant_id, metric, mode) values ($1, $2, $3, $4)`, [ref.tenantId, ref.plantId, metric, mode])
    }
    t.platform.rules.invalidate(ref.tenantId)
    const hour = Math.floor(Date.now() / 3600_000) * 3600_000
    const msgs = [1, 2, 3].map(i => ({ schemaVersion: 1, timestamp: hour + i * 1000, seq: i, values: { m_raw: i, m_hourly: i * 10, m_none: i, m_both: i } }))
    for (const m of msgs) await publish(client, topicB('modes-m1'), m)
    await publish(client, topicB('modes-m1'), msgs[2]!) // a redelivery must not count twice in the hourly aggregates
    await waitFor(() => t.platform.ingestor.pending === 0 && t.platform.stats.received === t.platform.stats.processed, 5000, 'drained')
    await waitFor(async () => (await count(`plc_state s join plcs p on p.id = s.plc_id where p.plc_id = 'modes-m1' and s.ts = to_timestamp($1 / 1000.0)`, [hour + 3000])) === 4, 5000, 'state')
    const raw = await q<{ metric: string, n: number }>(`select metric, count(*)::int as n from telemetry_events e join plcs p on p.id = e.plc_id where p.plc_id = 'modes-m1' group by metric order by metric`)
    expect(raw).toEqual([{ metric: 'm_both', n: 3 }, { metric: 'm_raw', n: 3 }])
    const hourly = await q<{ metric: string, count: number, sum: number, min: number, max: number, first: number, last: number }>(
      `select metric, count, sum, min, max, first, last from telemetry_hourly h join plcs p on p.id = h.plc_id where p.plc_id = 'modes-m1' order by metric`)
    expect(hourly).toEqual([
      { metric: 'm_both', count: 3, sum: 6, min: 1, max: 3, first: 1, last: 3 },
      { metric: 'm_hourly', count: 3, sum: 60, min: 10, max: 30, first: 10, last: 30 }
    ])
    // Per-minute aggregates follow the raw rows (what short chart buckets read), redelivery counted once.
    const minutely = await q<{ metric: string, count: number, sum: number, min: number, max: number }>(
      `select metric, sum(count)::int as count, sum(sum) as sum, min(min) as min, max(max) as max from telemetry_minutely m join plcs p on p.id = m.plc_id where p.plc_id = 'modes-m1' group by metric order by metric`)
    expect(minutely).toEqual([
      { metric: 'm_both', count: 3, sum: 6, min: 1, max: 3 },
      { metric: 'm_raw', count: 3, sum: 6, min: 1, max: 3 }
    ])
    const state = await q<{ metric: string, value_num: number }>(`select metric, value_num from plc_state s join plcs p on p.id = s.plc_id where p.plc_id = 'modes-m1' order by metric`)
    expect(state.map(s => s.metric)).toEqual(['m_both', 'm_hourly', 'm_none', 'm_raw'])
  })

  it('marks a gateway offline on its Last Will', async () => {
    const gw = 'lwt-gw-1'
    retainedTopics.push(statusTopic(gw))
    const gateway = await connectClient(t.mqttUrl, {
      protocolVersion: t.protocolVersion, clientId: gw,
      will: { topic: statusTopic(gw), payload: Buffer.from(JSON.stringify({ schemaVersion: 1, timestamp: Date.now(), state: 'offline', reason: 'unexpected_disconnect' })), qos: 1, retain: true }
    })
    await publish(gateway, statusTopic(gw), { schemaVersion: 1, timestamp: Date.now(), state: 'online', gateway: { thingName: gw, version: '2.0.0', uptimeSec: 5 }, health: { internet: 'ok', mqtt: 'ok', plcLink: 'ok' } })
    await waitFor(async () => (await q(`select 1 from gateways where thing_name = $1 and status = 'online'`, [gw])).length, 5000, 'online')
    gateway.stream.destroy() // dies without DISCONNECT: the broker publishes the will
    gateway.end(true)
    await waitFor(async () => (await q(`select 1 from gateways where thing_name = $1 and status = 'offline' and status_reason = 'unexpected_disconnect'`, [gw])).length, 10_000, 'offline by Last Will')
    const history = await q<{ status: string }>(`select h.status from gateway_status_history h join gateways g on g.id = h.gateway_id where g.thing_name = $1 order by h.id`, [gw])
    expect(history.map(h => h.status)).toEqual(['online', 'offline'])
    expect(events.filter(e => e.type === 'gateway_status' && e.gatewayId === gw).map(e => e.type === 'gateway_status' && e.status)).toEqual(['online', 'offline'])
  })

  it('marks a silent gateway offline after the timeout, and online on its next heartbeat', async () => {
    const gw = 'quiet-gw-1'
    const heartbeat = () => publish(client, `factory/${tenant}/north/${plant}/gateway/${gw}/telemetry`, { schemaVersion: 1, timestamp: Date.now(), type: 'heartbeat', gatewayId: gw, state: 'online', plcLink: 'ok' })
    await heartbeat()
    await waitFor(async () => (await q(`select 1 from gateways where thing_name = $1 and status = 'online'`, [gw])).length, 5000, 'online')
    const onlineAt = Date.now()
    await waitFor(async () => (await q(`select 1 from gateways where thing_name = $1 and status = 'offline' and status_reason = 'heartbeat_timeout'`, [gw])).length, 5000, 'offline by watchdog')
    // GATEWAY_OFFLINE_AFTER_S + 1 s at most
    expect(Date.now() - onlineAt).toBeLessThan(2500)
    await heartbeat()
    await waitFor(async () => (await q(`select 1 from gateways where thing_name = $1 and status = 'online'`, [gw])).length, 5000, 'online again')
    const history = await q<{ status: string, reason: string | null }>(`select h.status, h.reason from gateway_status_history h join gateways g on g.id = h.gateway_id where g.thing_name = $1 order by h.id`, [gw])
    expect(history).toEqual([{ status: 'online', reason: null }, { status: 'offline', reason: 'heartbeat_timeout' }, { status: 'online', reason: null }])
    await waitFor(() => events.filter(e => e.type === 'gateway_status' && e.gatewayId === gw).length === 3, 3000, 'three bus events')
  })
})
