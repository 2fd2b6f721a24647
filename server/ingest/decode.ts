import type { z } from 'zod'
import { parseTopic, type ParsedTopic } from './topic'
import { describeIssues, MachineBatchPayload, ShapeAPayload, ShapeCPayload, SUPPORTED_SCHEMA_VERSIONS } from './payloads'
import { gatewayEventKey, machineBatchKey } from './idempotency'
import type { IngestMessage, Rejection, TelemetryPoint } from './messages'

export interface DecodeOptions {
  maxPayloadBytes: number
  maxFutureSkewMs: number
}

export type Decoded = { ok: true, message: IngestMessage } | { ok: false, rejection: Rejection }

const utf8 = new TextDecoder('utf-8', { fatal: true })
const reject = (reason: Rejection['reason'], detail: string): Decoded => ({ ok: false, rejection: { reason, detail } })

/**
 * Turns one MQTT message into a normalised message, or says why it must be dead-lettered.
 * Pure: no I/O; `now` is the receive time in epoch ms.
 */
export function decodeMessage(topic: string, payload: Uint8Array, now: number, opts: DecodeOptions): Decoded {
  if (payload.byteLength > opts.maxPayloadBytes) {
    return reject('payload_too_large', `${payload.byteLength} bytes exceeds the limit of ${opts.maxPayloadBytes}`)
  }
  const parsedTopic = parseTopic(topic)
  if (!parsedTopic.ok) return reject('invalid_topic', parsedTopic.detail)
  let text: string
  try {
    text = utf8.decode(payload)
  } catch {
    return reject('invalid_encoding', 'payload is not valid UTF-8')
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    return reject('invalid_json', (err as Error).message.slice(0, 200))
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion
  if (typeof version === 'number' && !(SUPPORTED_SCHEMA_VERSIONS as readonly number[]).includes(version)) {
    return reject('unsupported_schema_version', `schemaVersion ${version} is not supported`)
  }
  const decoded = decodeShape(parsedTopic.topic, json)
  if (!decoded.ok) return decoded
  if (decoded.message.ts > now + opts.maxFutureSkewMs) {
    return reject('timestamp_in_future', `timestamp ${new Date(decoded.message.ts).toISOString()} is more than ${opts.maxFutureSkewMs / 1000} s ahead`)
  }
  return decoded
}

function decodeShape(t: ParsedTopic, json: unknown): Decoded {
  switch (t.shape) {
    case 'A': return decodeShapeA(t, json)
    case 'B': return decodeShapeB(t, json)
    case 'C': return decodeShapeC(t, json)
  }
}

function validate<S extends z.ZodType>(schema: S, json: unknown): { ok: true, data: z.infer<S> } | { ok: false, decoded: Decoded } {
  const r = schema.safeParse(json)
  return r.success ? { ok: true, data: r.data } : { ok: false, decoded: reject('invalid_payload', describeIssues(r.error)) }
}

/** Payload fields that repeat the topic must agree with it (SPEC §3 rule 2). */
function contradiction(t: ParsedTopic, claimed: Record<string, string | undefined>): Decoded | undefined {
  const topicValues: Record<string, string | undefined> = {
    tenant: t.tenant,
    province: t.province,
    plant: t.plant,
    gatewayId: t.shape === 'B' ? undefined : t.gatewayId
  }
  for (const [field, value] of Object.entries(claimed)) {
    const expected = topicValues[field]
    if (value !== undefined && expected !== undefined && value !== expected) {
      return reject('topic_mismatch', `payload ${field} "${value}" contradicts the topic's "${expected}"`)
    }
  }
  return undefined
}

function decodeShapeA(t: Extract<ParsedTopic, { shape: 'A' }>, json: unknown): Decoded {
  const v = validate(ShapeAPayload, json)
  if (!v.ok) return v.decoded
  const p = v.data
  const mismatch = contradiction(t, { tenant: p.tenant, province: p.province, plant: p.plant, gatewayId: p.gatewayId })
  if (mismatch) return mismatch
  const base = { tenant: t.tenant, province: t.province, plant: t.plant, gatewayId: t.gatewayId, ts: p.timestamp }
  if (p.type === 'heartbeat') {
    return {
      ok: true,
      message: {
        kind: 'gateway_status', shape: 'A', ...base, state: p.state,
        health: {
          internet: p.internet, mqtt: p.mqtt, plcLink: p.plcLink, bufferMode: p.bufferMode,
          queuedMessages: p.queuedMessages, version: p.version, uptimeSec: p.uptimeSec
        }
      }
    }
  }
  const point: TelemetryPoint = { metric: p.metricId, value: p.value, quality: p.quality, unit: p.unit, dataType: p.dataType }
  const key = gatewayEventKey(t.gatewayId)
  return { ok: true, message: { kind: 'telemetry', shape: 'A', ...base, plcId: p.plcId, key, points: [point] } }
}

function decodeShapeB(t: Extract<ParsedTopic, { shape: 'B' }>, json: unknown): Decoded {
  const v = validate(MachineBatchPayload, json)
  if (!v.ok) return v.decoded
  const p = v.data
  const points = Object.entries(p.values).map(([metric, value]): TelemetryPoint => ({
    metric,
    value,
    quality: typeof p.quality === 'string' ? p.quality : p.quality?.[metric],
    unit: p.units?.[metric]
  }))
  const key = machineBatchKey(p.seq)
  return {
    ok: true,
    message: {
      kind: 'telemetry', shape: 'B', tenant: t.tenant, province: t.province, plant: t.plant,
      plcId: t.machine, gatewayId: p.gatewayId, ts: p.timestamp, seq: p.seq, key, points
    }
  }
}

function decodeShapeC(t: Extract<ParsedTopic, { shape: 'C' }>, json: unknown): Decoded {
  const v = validate(ShapeCPayload, json)
  if (!v.ok) return v.decoded
  const p = v.data
  const base = { kind: 'gateway_status', shape: 'C', tenant: t.tenant, province: t.province, plant: t.plant, gatewayId: t.gatewayId, ts: p.timestamp } as const
  if (p.state === 'offline') return { ok: true, message: { ...base, state: 'offline', reason: p.reason } }
  const mismatch = contradiction(t, { gatewayId: p.gateway?.thingName })
  if (mismatch) return mismatch
  const h = p.health
  return {
    ok: true,
    message: {
      ...base, state: 'online',
      health: {
        internet: h?.internet, mqtt: h?.mqtt, plcLink: h?.plcLink, bufferMode: h?.buffer?.mode,
        queuedMessages: h?.buffer?.queuedMessages, version: p.gateway?.version, uptimeSec: p.gateway?.uptimeSec
      }
    }
  }
}
