import type { Severity } from './rules'
import type { AlarmType } from './observations'

export type AlarmState = 'active' | 'acknowledged' | 'cleared'

/** An alarm as the API and the live streams show it. Times in epoch ms. */
export interface AlarmJson {
  id: string
  tenant: string
  site: string
  /** The PLC's id (PLC alarms) or null (gateway alarms). */
  plcId: string | null
  /** The gateway's thing name (gateway alarms) or null. */
  gatewayId: string | null
  ruleId: string | null
  metric: string | null
  type: AlarmType
  message: string
  severity: Severity
  state: AlarmState
  acknowledged: boolean
  value: number | null
  ts: number
  acknowledgedAt: number | null
  acknowledgedBy: string | null
  ackComment: string | null
  clearedAt: number | null
  clearValue: number | null
  shelvedUntil: number | null
  createdAt: number
}

/** The alarm with the row ids that access checks need; never sent as is. */
export interface AlarmRecord extends AlarmJson {
  tenantId: string
  plantId: string
  conditionKey: string
}

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`

/**
 * Selects AlarmRecord columns from `source` (the alarms table, or a CTE returning its rows as they
 * were right after a change), joined with tenants t, plants p, plcs m and gateways g.
 */
export const alarmSelect = (source = 'alarms') => `
select a.id, t.slug as tenant, p.slug as site, m.plc_id as "plcId", g.thing_name as "gatewayId", a.rule_id as "ruleId",
       a.metric, a.type, a.message, a.severity, a.state, a.acknowledged, a.value, ${ms('a.ts')} as ts,
       ${ms('a.acknowledged_at')} as "acknowledgedAt", a.acknowledged_by as "acknowledgedBy", a.ack_comment as "ackComment",
       ${ms('a.cleared_at')} as "clearedAt", a.clear_value as "clearValue", ${ms('a.shelved_until')} as "shelvedUntil",
       ${ms('a.created_at')} as "createdAt", a.tenant_id as "tenantId", a.plant_id as "plantId", a.condition_key as "conditionKey"
from ${source} a
join tenants t on t.id = a.tenant_id
join plants p on p.id = a.plant_id
left join plcs m on m.id = a.plc_id
left join gateways g on g.id = a.gateway_id`

export const ALARM_SELECT = alarmSelect()

/** The public shape: row ids and the condition key stay inside. */
export function toAlarmJson({ tenantId: _t, plantId: _p, conditionKey: _k, ...alarm }: AlarmRecord): AlarmJson {
  return alarm
}
