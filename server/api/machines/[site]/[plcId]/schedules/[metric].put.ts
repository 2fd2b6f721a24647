import { TenantQuery } from '../../../../../queries/schemas'
import { ScheduleDecisionBody, ScheduleParams } from '../../../../../alarms/schedule-schemas'
import { decideSchedule } from '../../../../../alarms/schedules'

/** Accepts (optionally with edited windows) or rejects a machine's schedule; accepted ones raise alarms. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'machine:manage')
  const { site, plcId, metric } = await validParams(event, ScheduleParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { status, windows } = await validBody(event, ScheduleDecisionBody)
  const platform = await usePlatform()
  const plc = await requirePlc(platform.db, readScope(ctx, tenant), { site, plcId })
  const schedule = await decideSchedule(platform.db.sql, ctx, plc, metric, status, windows)
  if (!schedule) throw createError({ statusCode: 404, statusMessage: 'Not found', message: `No schedule learnt for ${metric}`, data: { code: 'SCHEDULE_NOT_FOUND' } })
  platform.alarmRulesChanged(plc.tenantId)
  return schedule
})
