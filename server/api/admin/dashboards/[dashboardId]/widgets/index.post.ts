import { actorOf } from '../../../../../audit/actor'
import { addWidget } from '../../../../../admin/dashboards'
import { DashboardParams, WidgetBody } from '../../../../../admin/dashboard-schemas'

/** Adds a widget (seed 000's snake_case fields) at the end of a dashboard. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dashboard:write')
  const { dashboardId } = await validParams(event, DashboardParams)
  const widget = await validBody(event, WidgetBody)
  const { db } = await usePlatform()
  const dashboard = await requireDashboard(db.sql, ctx, dashboardId)
  const added = await addWidget(db.sql, actorOf(ctx), dashboard, widget)
  if (!added) throw conflictError('WIDGET_KEY_EXISTS', `This dashboard has a widget "${widget.widget_key}" already`)
  setResponseStatus(event, 201)
  return added
})
