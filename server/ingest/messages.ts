/** A value as the platform keeps it, after the topic and payload were checked. */
export type Scalar = number | boolean | string

export interface TelemetryPoint {
  metric: string
  value: Scalar
  quality?: string
  unit?: string
  dataType?: string
}

/** Telemetry from shape A (one point) or shape B (a machine batch), normalised. */
export interface TelemetryMessage {
  kind: 'telemetry'
  shape: 'A' | 'B'
  tenant: string
  province: string
  plant: string
  /** The PLC / machine id: `plcId` in shape A, the topic's machine in shape B. */
  plcId: string
  /** Known for shape A (the topic names it); shape B may say it in the payload. */
  gatewayId?: string
  ts: number
  seq?: number
  /** With the PLC, metric and ts, the idempotency key of SPEC §3 rule 5 (see idempotency.ts). */
  key: string
  points: TelemetryPoint[]
}

export interface GatewayHealth {
  internet?: string
  mqtt?: string
  plcLink?: string
  bufferMode?: string
  queuedMessages?: number
  version?: string
  uptimeSec?: number
}

/** A heartbeat (shape A or C) or a Last Will (shape C), normalised. */
export interface GatewayStatusMessage {
  kind: 'gateway_status'
  shape: 'A' | 'C'
  tenant: string
  province: string
  plant: string
  gatewayId: string
  ts: number
  state: 'online' | 'offline'
  reason?: string
  health?: GatewayHealth
}

export type IngestMessage = TelemetryMessage | GatewayStatusMessage

/** Why a message went to the dead-letter store; stable codes, listed in the README. */
export const deadLetterReasons = [
  'payload_too_large',
  'invalid_topic',
  'invalid_encoding',
  'invalid_json',
  'invalid_payload',
  'unsupported_schema_version',
  'topic_mismatch',
  'timestamp_in_future',
  'unknown_tenant',
  'unknown_plant',
  'processing_error',
  'rate_limited'
] as const
export type DeadLetterReason = typeof deadLetterReasons[number]

export interface Rejection {
  reason: DeadLetterReason
  detail: string
}
