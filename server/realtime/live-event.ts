import type { Scalar } from '../ingest/messages'

/**
 * An event on a plant channel as the hub routes it. Only `type` is required: whatever else a
 * publisher puts in (gateway status today, alarms later) reaches clients unchanged.
 */
export interface LiveEvent {
  type: string
  /** Set on PLC events; a subscription narrowed to one PLC only gets that PLC's. */
  plcId?: string
  [field: string]: unknown
}

/** Seed 000's telemetry message, plus the tenant and per-metric quality the ingest adds. */
export interface LiveTelemetry extends LiveEvent {
  type: 'telemetry'
  tenant: string
  site: string
  plcId: string
  ts: number
  values: Record<string, Scalar>
  quality?: Record<string, string>
}

/** A reply of the protocol (subscribed, error, pong…), sent to one client. */
export type ReplyMessage = { type: string } & Record<string, unknown>

/** Telemetry is the one type a congested connection may coalesce; everything else is sent as is. */
export function isTelemetry(event: LiveEvent): event is LiveTelemetry {
  return event.type === 'telemetry' && typeof event.plcId === 'string' && typeof event.ts === 'number'
    && typeof event.values === 'object' && event.values !== null
}
