import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeMessage } from '../../server/ingest/decode'

const fixtures = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/seed-messages.json'), 'utf8')) as {
  messages: { name: string, shape: string, topic: string, payload?: object, raw?: string }[]
}
const opts = { maxPayloadBytes: 256 * 1024, maxFutureSkewMs: 600_000 }
const NOW = Date.parse('2026-12-01T00:00:00Z')
const bytes = (v: string | object) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v))
const decode = (topic: string, payload: string | object | Uint8Array, now = NOW) =>
  decodeMessage(topic, payload instanceof Uint8Array ? payload : bytes(payload), now, opts)
const reasonOf = (r: ReturnType<typeof decode>) => (r.ok ? 'accepted' : r.rejection.reason)

const B_TOPIC = 'factory/granix/ba/planta-1/press-01/telemetry'
const A_TOPIC = 'factory/granix/ba/planta-1/gateway/granix-ba-gw-01/telemetry'
const C_TOPIC = 'ops/granix/ba/planta-1/gateway/granix-ba-gateway-1/status'
const batch = { schemaVersion: 1, timestamp: 1736359200000, seq: 7, values: { pressure: 4.2 } }

describe('decodeMessage: the seeds, exactly as written', () => {
  it.each(fixtures.messages.map(m => [m.name, m] as const))('accepts %s', (_name, m) => {
    const r = decode(m.topic, m.raw ?? m.payload!)
    expect(r.ok, JSON.stringify(r)).toBe(true)
  })

  it('normalises the shape A event of seed 000', () => {
    const m = fixtures.messages[0]!
    const r = decode(m.topic, m.payload!)
    expect(r).toEqual({
      ok: true,
      message: {
        kind: 'telemetry', shape: 'A', tenant: 'granix', province: 'ba', plant: 'planta-1', gatewayId: 'granix-ba-gw-01',
        plcId: 'plc-03', ts: 1736359200000, key: 'g:granix-ba-gw-01',
        points: [{ metric: 'temp_head', value: 83.2, quality: 'GOOD', unit: 'celsius', dataType: 'float' }]
      }
    })
  })

  it('normalises a shape B batch, one point per value, keyed by seq', () => {
    const m = fixtures.messages.find(x => x.shape === 'B')!
    const r = decode(m.topic, m.payload!)
    if (!r.ok || r.message.kind !== 'telemetry') throw new Error('not accepted')
    expect(r.message.key).toBe('s1')
    expect(r.message.plcId).toBe('press-01')
    expect(r.message.points.map(p => [p.metric, p.value])).toEqual([['pressure', 4.2], ['temp_head', 83.2], ['running', true], ['mode', 'auto']])
  })

  it('reads the shape C heartbeat health and the Last Will', () => {
    const [hb, will] = fixtures.messages.filter(x => x.shape === 'C')
    const h = decode(hb!.topic, hb!.payload!)
    const w = decode(will!.topic, will!.payload!)
    expect(h.ok && h.message.kind === 'gateway_status' && h.message.health).toEqual({
      internet: 'ok', mqtt: 'ok', plcLink: 'ok', bufferMode: 'disk', queuedMessages: 0, version: '1.0.0', uptimeSec: 93212
    })
    expect(w.ok && w.message.kind === 'gateway_status' && [w.message.state, w.message.reason]).toEqual(['offline', 'unexpected_disconnect'])
  })

  it('accepts ISO timestamps and per-metric quality and units', () => {
    const r = decode(B_TOPIC, { ...batch, timestamp: '2025-01-08T18:00:00.000Z', quality: { pressure: 'BAD' }, units: { pressure: 'bar' } })
    expect(r.ok && r.message.ts).toBe(1736359200000)
    expect(r.ok && r.message.kind === 'telemetry' && r.message.points[0]).toEqual({ metric: 'pressure', value: 4.2, quality: 'BAD', unit: 'bar' })
  })
})

describe('decodeMessage: bad input is rejected with a reason', () => {
  it.each([
    ['malformed JSON', B_TOPIC, '{"schemaVersion":1,', 'invalid_json'],
    ['not an object', B_TOPIC, '42', 'invalid_payload'],
    ['missing seq', B_TOPIC, { schemaVersion: 1, timestamp: 1736359200000, values: { a: 1 } }, 'invalid_payload'],
    ['wrong value type', B_TOPIC, { ...batch, values: { a: { nested: 1 } } }, 'invalid_payload'],
    ['empty values', B_TOPIC, { ...batch, values: {} }, 'invalid_payload'],
    ['timestamp as garbage', B_TOPIC, { ...batch, timestamp: 'yesterday' }, 'invalid_payload'],
    ['negative seq', B_TOPIC, { ...batch, seq: -1 }, 'invalid_payload'],
    ['huge number (Infinity after parsing)', B_TOPIC, '{"schemaVersion":1,"timestamp":1736359200000,"seq":1,"values":{"a":1e400}}', 'invalid_payload'],
    ['unsupported schema version', B_TOPIC, { ...batch, schemaVersion: 2 }, 'unsupported_schema_version'],
    ['A without metricId', A_TOPIC, { schemaVersion: 1, timestamp: 1736359200000, type: 'telemetry', plcId: 'p', value: 1 }, 'invalid_payload'],
    ['A with unknown type', A_TOPIC, { schemaVersion: 1, timestamp: 1736359200000, type: 'other' }, 'invalid_payload'],
    ['A naming another tenant', A_TOPIC, { schemaVersion: 1, timestamp: 1736359200000, type: 'telemetry', tenant: 'acme', plcId: 'p', metricId: 'm', value: 1 }, 'topic_mismatch'],
    ['A naming another plant', A_TOPIC, { schemaVersion: 1, timestamp: 1736359200000, type: 'telemetry', plant: 'planta-9', plcId: 'p', metricId: 'm', value: 1 }, 'topic_mismatch'],
    ['A naming another gateway', A_TOPIC, { schemaVersion: 1, timestamp: 1736359200000, type: 'heartbeat', gatewayId: 'gw-x' }, 'topic_mismatch'],
    ['C naming another thing', C_TOPIC, { schemaVersion: 1, timestamp: 1736359200000, state: 'online', gateway: { thingName: 'other' } }, 'topic_mismatch'],
    ['C with unknown state', C_TOPIC, { schemaVersion: 1, timestamp: 1736359200000, state: 'sleeping' }, 'invalid_payload'],
    ['unknown topic', 'factory/granix/ba/planta-1/press-01/other', batch, 'invalid_topic'],
    ['timestamp 11 min in the future', B_TOPIC, { ...batch, timestamp: NOW + 11 * 60_000 }, 'timestamp_in_future']
  ])('%s', (_name, topic, payload, reason) => {
    expect(reasonOf(decode(topic, payload))).toBe(reason)
  })

  it('accepts old timestamps (buffered data) and slight clock skew', () => {
    expect(reasonOf(decode(B_TOPIC, { ...batch, timestamp: Date.parse('2020-01-01T00:00:00Z') }))).toBe('accepted')
    expect(reasonOf(decode(B_TOPIC, { ...batch, timestamp: NOW + 9 * 60_000 }))).toBe('accepted')
  })

  it('rejects bytes that are not UTF-8', () => {
    expect(reasonOf(decode(B_TOPIC, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])))).toBe('invalid_encoding')
  })

  it('rejects a payload over the size limit before parsing it', () => {
    const big = JSON.stringify({ ...batch, values: { a: 'x'.repeat(1024 * 1024) } })
    const r = decode(B_TOPIC, big)
    expect(reasonOf(r)).toBe('payload_too_large')
  })

  it('names the failing field in the detail', () => {
    const r = decode(B_TOPIC, { ...batch, seq: 'one' })
    expect(!r.ok && r.rejection.detail).toContain('seq')
  })

  it('survives deeply nested JSON', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000)
    expect(reasonOf(decode(B_TOPIC, deep))).toBe('invalid_payload')
  })
})
