import { actorOf } from '../../../../../audit/actor'
import { reorderWidgets } from '../../../../../admin/dashboards'
import { DashboardParams, WidgetReorderBody } from '../../../../../admin/dashboard-schemas'

/** Saves the widget order ("Guardar orden") given as widget ids or keys; returns the widgets in that order. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dashboard:write')
  const { dashboardId } = await validParams(event, DashboardParams)
  const body = await validBody(event, WidgetReorderBody)
  const { db } = await usePlatform()
  const dashboard = await requireDashboard(db.sql, ctx, dashboardId)
  const order = body.widget_ids ? { by: 'id' as const, names: body.widget_ids } : { by: 'widget_key' as const, names: body.widget_keys! }
  const result = await reorderWidgets(db.sql, actorOf(ctx), dashboard, order)
  if ('unknown' in result) throw invalidField(body.widget_ids ? 'widget_ids' : 'widget_keys', `not widgets of this dashboard: ${result.unknown.join(', ')}`)
  return result
})
