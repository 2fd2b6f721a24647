import { AlarmListQuery, AlarmPlcParams } from '../../../alarms/alarm-schemas'
import { listAlarms } from '../../../alarms/queries'

/** The alarms of one PLC (seed 000), newest first, with the same filters. `[key]` is the site here. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:read')
  const { site, plcId } = await validParams(event, AlarmPlcParams, { site: 'key' })
  const query = await validQuery(event, AlarmListQuery)
  const { db } = await usePlatform()
  const scope = readScope(ctx, query.tenant)
  await requirePlc(db, scope, { site, plcId })
  return listAlarms(db.sql, scope, { ...query, site }, plcId)
})
