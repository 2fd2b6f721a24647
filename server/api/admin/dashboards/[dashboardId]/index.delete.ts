import { actorOf } from '../../../../audit/actor'
import { deleteDashboard } from '../../../../admin/dashboards'
import { DashboardParams } from '../../../../admin/dashboard-schemas'

/** Deletes a dashboard with its widgets; the PLC may get a new one. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dashboard:write')
  const { dashboardId } = await validParams(event, DashboardParams)
  const { db } = await usePlatform()
  const dashboard = await requireDashboard(db.sql, ctx, dashboardId)
  await deleteDashboard(db.sql, actorOf(ctx), dashboard)
  return noContent(event)
})
