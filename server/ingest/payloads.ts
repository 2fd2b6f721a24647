import { z } from 'zod'

/** Schema versions this build understands; anything else is dead-lettered as unsupported. */
export const SUPPORTED_SCHEMA_VERSIONS = [1] as const

// PostgreSQL text cannot hold NUL characters: say so here rather than fail in the database.
const noNul = (s: z.ZodString) => s.refine(v => !v.includes('\u0000'), 'NUL characters are not allowed')
const id = noNul(z.string().min(1).max(128))
const text = noNul(z.string().max(256))
// Epoch milliseconds, or an ISO-8601 string (SPEC §3). Converted to epoch ms.
const timestamp = z.union([
  z.number().int().nonnegative().max(8.64e15),
  z.iso.datetime({ offset: true, local: true }).transform(s => Date.parse(s))
]).refine(n => Number.isFinite(n), 'invalid timestamp')
const scalar = z.union([z.number(), z.boolean(), noNul(z.string().max(4096))])
const quality = noNul(z.string().min(1).max(32))
const schemaVersion = z.number().int().positive()

/** Shape A, one variable per message (seed 000). */
export const GatewayTelemetryPayload = z.object({
  schemaVersion,
  timestamp,
  type: z.literal('telemetry'),
  tenant: id.optional(),
  province: id.optional(),
  plant: id.optional(),
  gatewayId: id.optional(),
  plcId: id,
  metricId: id,
  value: scalar,
  dataType: text.optional(),
  unit: text.optional(),
  quality: quality.optional()
})

/** Shape A heartbeat on the telemetry topic (seed 000). */
export const GatewayHeartbeatPayload = z.object({
  schemaVersion,
  timestamp,
  type: z.literal('heartbeat'),
  tenant: id.optional(),
  province: id.optional(),
  plant: id.optional(),
  gatewayId: id.optional(),
  state: z.enum(['online', 'offline']).default('online'),
  version: text.optional(),
  uptimeSec: z.number().nonnegative().optional(),
  internet: text.optional(),
  mqtt: text.optional(),
  plcLink: text.optional(),
  bufferMode: text.optional(),
  queuedMessages: z.number().int().nonnegative().optional()
})

export const ShapeAPayload = z.discriminatedUnion('type', [GatewayTelemetryPayload, GatewayHeartbeatPayload])

/** Shape B, a machine's batch of values (seed 001 §7.2). `quality` is one value for all or one per metric. */
export const MachineBatchPayload = z.object({
  schemaVersion,
  timestamp,
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  values: z.record(id, scalar).refine(v => Object.keys(v).length > 0, 'at least one value is required'),
  quality: z.union([quality, z.record(id, quality)]).optional(),
  units: z.record(id, text).optional(),
  gatewayId: id.optional()
})

const StatusOnline = z.object({
  schemaVersion,
  timestamp,
  state: z.literal('online'),
  gateway: z.object({
    thingName: id.optional(),
    version: text.optional(),
    uptimeSec: z.number().nonnegative().optional()
  }).optional(),
  health: z.object({
    internet: text.optional(),
    mqtt: text.optional(),
    plcLink: text.optional(),
    buffer: z.object({
      mode: text.optional(),
      queuedMessages: z.number().int().nonnegative().optional()
    }).optional()
  }).optional()
})

const StatusOffline = z.object({
  schemaVersion,
  timestamp,
  state: z.literal('offline'),
  reason: text.optional()
})

/** Shape C, the gateway status topic: heartbeat or (retained) Last Will (seed 001 §4). */
export const ShapeCPayload = z.discriminatedUnion('state', [StatusOnline, StatusOffline])

export type ShapeA = z.infer<typeof ShapeAPayload>
export type ShapeB = z.infer<typeof MachineBatchPayload>
export type ShapeC = z.infer<typeof ShapeCPayload>

/** Describes a zod failure in one line that names the fields, e.g. `values.temp: Invalid input`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5)
    .map(i => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ')
}
