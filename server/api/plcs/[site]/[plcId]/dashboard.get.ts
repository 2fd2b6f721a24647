import { getPlcDashboard } from '../../../../admin/dashboards'
import { PlcParams, TenantQuery } from '../../../../queries/schemas'

/** The dashboard of a PLC with its widgets in display order; 404 DASHBOARD_NOT_FOUND when it has none yet. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dashboard:read')
  const where = await validParams(event, PlcParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  const plc = await requirePlc(db, readScope(ctx, tenant), where)
  const dashboard = await getPlcDashboard(db.sql, plc.id)
  if (!dashboard) throw notFoundError('DASHBOARD_NOT_FOUND', `PLC "${where.plcId}" of site "${where.site}" has no dashboard`)
  return dashboard
})
