import { getDashboard } from '../../../../admin/dashboards'
import { DashboardParams } from '../../../../admin/dashboard-schemas'

/** One dashboard by id, with its widgets in display order (the builder's view). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dashboard:read')
  const { dashboardId } = await validParams(event, DashboardParams)
  const { db } = await usePlatform()
  const dashboard = await requireDashboard(db.sql, ctx, dashboardId)
  return getDashboard(db.sql, dashboard.id)
})
