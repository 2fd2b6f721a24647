import { PlcParams, TenantQuery } from '../../../../../queries/schemas'
import { listSchedules } from '../../../../../alarms/schedules'

/** The machine's learnt schedules (suggested, accepted or rejected), one per running metric. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:read')
  const where = await validParams(event, PlcParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  const plc = await requirePlc(db, readScope(ctx, tenant), where)
  return { items: await listSchedules(db.sql, plc.id) }
})
