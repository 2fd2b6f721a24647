/**
 * MQTT topic shapes of SPEC §3. The topic is authoritative: tenant, plant and device come from here,
 * never from the payload.
 *   A  factory/{tenant}/{province}/{plant}/gateway/{gatewayId}/telemetry
 *   B  factory/{tenant}/{province}/{plant}/{machine}/telemetry
 *   C  ops/{tenant}/{province}/{plant}/gateway/{thingName}/status
 */
export type ParsedTopic
  = | { shape: 'A', tenant: string, province: string, plant: string, gatewayId: string }
    | { shape: 'B', tenant: string, province: string, plant: string, machine: string }
    | { shape: 'C', tenant: string, province: string, plant: string, gatewayId: string }

/** The backend's subscriptions, one per shape. */
export const TOPIC_FILTERS = [
  'factory/+/+/+/+/telemetry',
  'factory/+/+/+/gateway/+/telemetry',
  'ops/+/+/+/gateway/+/status'
] as const

// Identifiers as they appear in topics, URLs and keys: no wildcards, separators or spaces.
const SEGMENT = /^[\w][\w.:-]{0,127}$/

/** Parses a topic into its shape, or explains why it is not one of ours. */
export function parseTopic(topic: string): { ok: true, topic: ParsedTopic } | { ok: false, detail: string } {
  const parts = topic.split('/')
  const bad = parts.find(p => !SEGMENT.test(p))
  if (bad !== undefined) return { ok: false, detail: `invalid topic segment "${bad.slice(0, 64)}"` }
  const [root, tenant, province, plant] = parts as [string, string, string, string]
  if (root === 'factory' && parts.length === 6 && parts[5] === 'telemetry') {
    return { ok: true, topic: { shape: 'B', tenant, province, plant, machine: parts[4]! } }
  }
  if (parts.length === 7 && parts[4] === 'gateway') {
    if (root === 'factory' && parts[6] === 'telemetry') {
      return { ok: true, topic: { shape: 'A', tenant, province, plant, gatewayId: parts[5]! } }
    }
    if (root === 'ops' && parts[6] === 'status') {
      return { ok: true, topic: { shape: 'C', tenant, province, plant, gatewayId: parts[5]! } }
    }
  }
  return { ok: false, detail: 'topic matches none of the shapes A, B, C' }
}

/** The topic a gateway's status (shape C) is published on. */
export function statusTopic(t: { tenant: string, province: string, plant: string, gatewayId: string }): string {
  return `ops/${t.tenant}/${t.province}/${t.plant}/gateway/${t.gatewayId}/status`
}

/** The topic a gateway publishes per-variable events (shape A) on. */
export function gatewayTelemetryTopic(t: { tenant: string, province: string, plant: string, gatewayId: string }): string {
  return `factory/${t.tenant}/${t.province}/${t.plant}/gateway/${t.gatewayId}/telemetry`
}

/** The topic a machine's batches (shape B) are published on. */
export function machineTelemetryTopic(t: { tenant: string, province: string, plant: string, machine: string }): string {
  return `factory/${t.tenant}/${t.province}/${t.plant}/${t.machine}/telemetry`
}
