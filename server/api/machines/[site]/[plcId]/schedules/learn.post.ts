import { PlcParams, TenantQuery } from '../../../../../queries/schemas'
import { ScheduleLearnBody } from '../../../../../alarms/schedule-schemas'
import { learnSchedule } from '../../../../../alarms/schedules'

/**
 * Learns the machine's operating windows per weekday from a running metric (seed 003 rule 3) and
 * stores them as a suggestion; alarms follow only once an admin accepts it.
 */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'machine:manage')
  const where = await validParams(event, PlcParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { metric, ...options } = await validBody(event, ScheduleLearnBody)
  const platform = await usePlatform()
  const plc = await requirePlc(platform.db, readScope(ctx, tenant), where)
  const schedule = await learnSchedule(platform.db.sql, ctx, plc, metric, options)
  // A previously accepted schedule is now only a suggestion again: stop checking it.
  platform.alarmRulesChanged(plc.tenantId)
  return schedule
})
