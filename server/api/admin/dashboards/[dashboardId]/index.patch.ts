import { actorOf } from '../../../../audit/actor'
import { updateDashboard } from '../../../../admin/dashboards'
import { DashboardParams, DashboardPatchBody } from '../../../../admin/dashboard-schemas'

/** Renames a dashboard and/or sets its icon (`iconUrl: null` removes it). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dashboard:write')
  const { dashboardId } = await validParams(event, DashboardParams)
  const change = await validBody(event, DashboardPatchBody)
  const { db } = await usePlatform()
  const dashboard = await requireDashboard(db.sql, ctx, dashboardId)
  return updateDashboard(db.sql, actorOf(ctx), dashboard, change)
})
