import type { SqlClient } from '../db/client'
import { appendAudit } from '../audit/append'
import { toAlarmJson, type AlarmRecord } from './alarm-json'

/**
 * Critical alarms go into the tamper-evident audit chain (SPEC §6): every transition, with the alarm as
 * it stands after it. Call last in the transaction that made the transition (it takes the chain's lock).
 */
export async function auditCritical(tx: SqlClient, actor: string, alarm: AlarmRecord, transition: string): Promise<void> {
  if (alarm.severity !== 'critical') return
  await appendAudit(tx, { tenantId: alarm.tenantId, actor, action: `alarm.${transition}`, entity: 'alarm', entityId: alarm.id, after: toAlarmJson(alarm) })
}
