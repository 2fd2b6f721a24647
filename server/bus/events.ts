import type { GatewayHealth, Scalar } from '../ingest/messages'
import type { AlarmJson } from '../alarms/alarm-json'

/** What the platform publishes on the bus for live clients (SPEC §8; telemetry as in seed 000). */
export interface TelemetryEvent {
  type: 'telemetry'
  tenant: string
  site: string
  plcId: string
  ts: number
  values: Record<string, Scalar>
  quality?: Record<string, string>
}

export interface GatewayStatusEvent {
  type: 'gateway_status'
  tenant: string
  site: string
  gatewayId: string
  status: 'online' | 'offline'
  reason: string | null
  at: number
}

export interface GatewayHeartbeatEvent {
  type: 'gateway_heartbeat'
  tenant: string
  site: string
  gatewayId: string
  ts: number
  health: GatewayHealth
}

/** An alarm changed state (raised, acknowledged, cleared, shelved, unshelved); `alarm` is its API shape. */
export interface AlarmEvent {
  type: 'alarm'
  tenant: string
  site: string
  /** Set for PLC alarms, so a subscription narrowed to one PLC gets only that PLC's. */
  plcId?: string
  transition: 'raised' | 'acknowledged' | 'cleared' | 'shelved' | 'unshelved'
  alarm: AlarmJson
  /** The alarm's condition key and the instance that published it: how other instances' engines keep up. */
  key?: string
  origin?: string
}

/** Between instances only: a tenant's alarm rules changed, drop the cached copy. */
export interface AlarmRulesChangedEvent {
  type: 'alarm_rules_changed'
  tenantId: string
}

/** Between instances only: a tenant's persistence rules changed, drop the cached copy. */
export interface PersistRulesChangedEvent {
  type: 'persist_rules_changed'
  tenantId: string
}

/** Between instances only: a user's access changed (no uid: several users), drop the cached copy. */
export interface UsersChangedEvent {
  type: 'users_changed'
  uid?: string
}

/** Between instances only: tenants or plants changed, drop the cached topic → id mapping. */
export interface RefsChangedEvent {
  type: 'refs_changed'
}

export type PlatformEvent = TelemetryEvent | GatewayStatusEvent | GatewayHeartbeatEvent | AlarmEvent | AlarmRulesChangedEvent | PersistRulesChangedEvent | UsersChangedEvent | RefsChangedEvent

/** Channels are scoped by tenant and plant, so a subscriber only ever receives its own scope. */
export function plantChannel(prefix: string, tenant: string, site: string): string {
  return `${prefix}:${tenant}:${site}`
}

/** Instance-to-instance messages; outside every tenant's `{prefix}:{tenant}:{site}` channels. */
export function controlChannel(prefix: string): string {
  return `${prefix}!control`
}

/** A pattern matching every plant of a tenant (or every tenant with '*'). */
export function tenantPattern(prefix: string, tenant: string): string {
  return `${prefix}:${tenant}:*`
}
