import { actorOf } from '../../../../../audit/actor'
import { deleteWidget } from '../../../../../admin/dashboards'
import { WidgetParams } from '../../../../../admin/dashboard-schemas'

/** Removes a widget from a dashboard. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dashboard:write')
  const { dashboardId, widgetId } = await validParams(event, WidgetParams)
  const { db } = await usePlatform()
  const dashboard = await requireDashboard(db.sql, ctx, dashboardId)
  if (!(await deleteWidget(db.sql, actorOf(ctx), dashboard, widgetId))) throw notFoundError('WIDGET_NOT_FOUND', 'Widget not found')
  return noContent(event)
})
