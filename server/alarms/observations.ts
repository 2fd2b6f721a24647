import type { GatewayHealth, Scalar } from '../ingest/messages'
import type { PlantRef } from '../ingest/refs'
import type { Severity } from './rules'

/** Values of one PLC at one time, as committed by the ingest. */
export interface PlcSample {
  plant: PlantRef
  /** The PLC's row id and its id in topics. */
  plcRowId: string
  plcId: string
  ts: number
  points: { metric: string, value: Scalar, quality?: string }[]
}

/** What one committed message says about a gateway: a status change, a heartbeat's health, or both. */
export interface GatewayObservation {
  plant: PlantRef
  gatewayRowId: string
  gatewayId: string
  at: number
  status?: 'online' | 'offline'
  reason?: string | null
  health?: GatewayHealth
}

/** Everything one ingest batch committed, in arrival order. */
export interface CommittedBatch {
  samples: PlcSample[]
  gateways: GatewayObservation[]
}

export const ALARM_TYPES = [
  'threshold', 'learnt_bounds', 'quality_bad', 'gateway_offline', 'gateway_plc_link', 'gateway_internet', 'buffer_backlog',
  'running_outside_schedule', 'stopped_inside_schedule', 'stale'
] as const
export type AlarmType = typeof ALARM_TYPES[number]

/** What an alarm would be, were its condition to raise it now. */
export interface AlarmDraft {
  plant: PlantRef
  plcRowId: string | null
  plcId: string | null
  gatewayRowId: string | null
  gatewayId: string | null
  ruleId: string | null
  metric: string | null
  type: AlarmType
  severity: Severity
  message: string
}

/** One condition's state at one time: the key the tracker debounces, and the alarm it means. */
export interface Observation {
  key: string
  ts: number
  active: boolean
  value: number | null
  minDurationMs: number
  cooldownMs: number
  /** The alarm it would raise; built only when it does (most values raise nothing). */
  draft: () => AlarmDraft
}

/** A number to compare with limits: booleans count as 1/0, text is not compared. */
export function numeric(v: Scalar): number | null {
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? 1 : 0
  return null
}

export const formatValue = (v: number) => String(Number.isInteger(v) ? v : Number(v.toPrecision(6)))
