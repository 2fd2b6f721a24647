import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeMessage } from '../../server/ingest/decode'
import { deadLetterReasons } from '../../server/ingest/messages'
import { parseTopic } from '../../server/ingest/topic'

// Property-based: whatever a broker hands the ingest, decoding never throws, and every rejection
// carries one of the documented dead-letter reasons with a detail.
const opts = { maxPayloadBytes: 256 * 1024, maxFutureSkewMs: 600_000 }
const NOW = Date.parse('2026-12-01T00:00:00Z')
const RUNS = 10_000
const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v))
const A_TOPIC = 'factory/granix/ba/planta-1/gateway/gw-01/telemetry'
const B_TOPIC = 'factory/granix/ba/planta-1/press-01/telemetry'
const C_TOPIC = 'ops/granix/ba/planta-1/gateway/gw-01/status'

function decodesCleanly(topic: string, payload: Uint8Array): boolean {
  const r = decodeMessage(topic, payload, NOW, opts)
  if (r.ok) return true
  return (deadLetterReasons as readonly string[]).includes(r.rejection.reason) && r.rejection.detail.length > 0
}

const reasonOf = (topic: string, payload: unknown) => {
  const r = decodeMessage(topic, payload instanceof Uint8Array ? payload : bytes(payload), NOW, opts)
  return r.ok ? 'accepted' : r.rejection.reason
}

// Topics that are nearly ours: real roots and suffixes around hostile segments (wildcards, empty,
// unicode, NUL, traversal, very long).
const segment = fc.oneof(
  fc.constantFrom('granix', 'ba', 'planta-1', 'gateway', 'telemetry', 'status', '+', '#', '', '..', '%2e%2e', '\0', ' ', 'a'.repeat(200), '$SYS'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 })
)
const nearTopic = fc.tuple(fc.constantFrom('factory', 'ops', 'x'), fc.array(segment, { minLength: 0, maxLength: 8 })).map(([root, rest]) => [root, ...rest].join('/'))
const anyTopic = fc.oneof(nearTopic, fc.string({ unit: 'binary', maxLength: 300 }))

// Payloads that are nearly valid: every field of every shape, each replaced by arbitrary JSON.
const anyJson = fc.jsonValue({ maxDepth: 4 })
const mutated = fc.record({
  schemaVersion: fc.oneof(fc.constant(1), anyJson),
  timestamp: fc.oneof(fc.constant(1736359200000), fc.integer(), fc.double(), fc.string(), anyJson),
  seq: fc.oneof(fc.nat(), fc.integer(), fc.double(), anyJson),
  values: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.double(), fc.boolean(), fc.string(), anyJson)), anyJson),
  type: fc.constantFrom('telemetry', 'heartbeat', 'other'),
  state: fc.constantFrom('online', 'offline', 'weird'),
  plcId: fc.oneof(fc.string(), anyJson),
  metricId: fc.oneof(fc.string(), anyJson),
  value: anyJson,
  tenant: fc.oneof(fc.constant('granix'), fc.string()),
  gateway: anyJson,
  health: anyJson
}, { requiredKeys: [] })

describe('hostile input: nothing a broker delivers makes the decoder throw', { timeout: 60_000 }, () => {
  it(`parseTopic: ${RUNS} generated topics never throw; accepted ones carry no wildcard, separator or empty segment`, () => {
    fc.assert(fc.property(anyTopic, (topic) => {
      const r = parseTopic(topic)
      if (!r.ok) return r.detail.length > 0
      const ids = Object.entries(r.topic).filter(([k]) => k !== 'shape').map(([, v]) => v as string)
      return ids.every(id => id.length > 0 && !/[/+#\s\0]/.test(id) && id !== '..')
    }), { numRuns: RUNS })
  })

  it(`decodeMessage: ${RUNS} generated topics with random bytes — accepted, or a documented reason`, () => {
    fc.assert(fc.property(anyTopic, fc.uint8Array({ maxLength: 300 }), (topic, payload) => decodesCleanly(topic, payload)), { numRuns: RUNS })
  })

  it(`decodeMessage: ${RUNS} mutated payloads on every shape's topic — accepted, or a documented reason`, () => {
    fc.assert(fc.property(fc.constantFrom(A_TOPIC, B_TOPIC, C_TOPIC), mutated, (topic, payload) => decodesCleanly(topic, bytes(payload))), { numRuns: RUNS })
  })

  it(`decodeMessage: ${RUNS} arbitrary JSON documents and strings`, () => {
    const doc = fc.oneof(fc.jsonValue({ maxDepth: 6 }).map(v => JSON.stringify(v)), fc.string({ unit: 'grapheme', maxLength: 200 }))
    fc.assert(fc.property(fc.constantFrom(A_TOPIC, B_TOPIC, C_TOPIC), doc, (topic, text) => decodesCleanly(topic, bytes(text))), { numRuns: RUNS })
  })
})

describe('hostile input: the limits', () => {
  const batch = (over: Record<string, unknown> = {}) => ({ schemaVersion: 1, timestamp: NOW - 1000, seq: 1, values: { v: 1 }, ...over })

  it('refuses a payload over the size limit before parsing it', () => {
    const huge = new Uint8Array(opts.maxPayloadBytes + 1).fill(0x7b)
    expect(reasonOf(B_TOPIC, huge)).toBe('payload_too_large')
  })

  it('survives deeply nested JSON (100,000 levels) without a stack overflow', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    expect(() => reasonOf(B_TOPIC, deep)).not.toThrow()
    expect(reasonOf(B_TOPIC, `{"schemaVersion":1,"timestamp":1,"seq":1,"values":{"v":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`)).toBe('invalid_payload')
  })

  it('rejects NaN and Infinity (not JSON) and numbers too large for a double', () => {
    expect(reasonOf(B_TOPIC, '{"schemaVersion":1,"timestamp":1,"seq":1,"values":{"v":NaN}}')).toBe('invalid_json')
    expect(reasonOf(B_TOPIC, '{"schemaVersion":1,"timestamp":1,"seq":1,"values":{"v":Infinity}}')).toBe('invalid_json')
    // 1e400 parses to Infinity: not a value PostgreSQL should get from a sensor.
    expect(reasonOf(B_TOPIC, '{"schemaVersion":1,"timestamp":1,"seq":1,"values":{"v":1e400}}')).toBe('invalid_payload')
    expect(reasonOf(B_TOPIC, '{"schemaVersion":1,"timestamp":1e400,"seq":1,"values":{"v":1}}')).toBe('invalid_payload')
    expect(reasonOf(B_TOPIC, '{"schemaVersion":1,"timestamp":1,"seq":1e300,"values":{"v":1}}')).toBe('invalid_payload')
  })

  it('accepts 10,000 metrics in one message (under the size limit), quickly', () => {
    const values = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`m${i}`, i]))
    const t0 = performance.now()
    const r = decodeMessage(B_TOPIC, bytes(batch({ values })), NOW, opts)
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(r.ok && r.message.kind === 'telemetry' && r.message.points.length).toBe(10_000)
  })

  it('dead-letters timestamps beyond the future skew and accepts old ones (buffers flushed after an outage)', () => {
    expect(reasonOf(B_TOPIC, batch({ timestamp: NOW + opts.maxFutureSkewMs + 1000 }))).toBe('timestamp_in_future')
    expect(reasonOf(B_TOPIC, batch({ timestamp: NOW + opts.maxFutureSkewMs - 1000 }))).toBe('accepted')
    expect(reasonOf(B_TOPIC, batch({ timestamp: Date.parse('2019-03-01T00:00:00Z') }))).toBe('accepted')
    expect(reasonOf(A_TOPIC, { schemaVersion: 1, timestamp: '2020-01-01T00:00:00Z', type: 'telemetry', plcId: 'p', metricId: 'm', value: 1 })).toBe('accepted')
  })
})
