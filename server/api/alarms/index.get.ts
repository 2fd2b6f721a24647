import { AlarmListQuery } from '../../alarms/alarm-schemas'
import { listAlarms } from '../../alarms/queries'

/** Alarms the caller may see, newest first (seed 000: `?acknowledged=false&severity=high`). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:read')
  const query = await validQuery(event, AlarmListQuery)
  const { db } = await usePlatform()
  return listAlarms(db.sql, readScope(ctx, query.tenant), query)
})
