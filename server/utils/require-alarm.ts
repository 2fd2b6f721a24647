import type { AuthContext } from '../auth/types'
import type { SqlClient } from '../db/client'
import { can, type Action } from '../auth/policy'
import { findAlarm } from '../alarms/queries'
import type { AlarmRecord } from '../alarms/alarm-json'

/**
 * The alarm a route names, if the caller may see it (else 404, as if it did not exist) and may do
 * `action` on its plant (else 403: they see it, their role or plant access does not allow this).
 */
export async function requireAlarm(sql: SqlClient, ctx: AuthContext, id: string, action: Action): Promise<AlarmRecord> {
  const alarm = await findAlarm(sql, readScope(ctx), id)
  if (!alarm) throw createError({ statusCode: 404, statusMessage: 'Not found', message: 'Alarm not found', data: { code: 'ALARM_NOT_FOUND' } })
  if (!can(ctx, action, { tenantId: alarm.tenantId, plantId: alarm.plantId })) {
    throw createError({ statusCode: 403, statusMessage: 'Forbidden', message: `Your role may not do this (${action})`, data: { code: 'FORBIDDEN', action } })
  }
  return alarm
}
