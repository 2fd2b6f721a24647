import { actorOf } from '../../../../../audit/actor'
import { updateWidget } from '../../../../../admin/dashboards'
import { WidgetParams, WidgetPatchBody } from '../../../../../admin/dashboard-schemas'

/** Changes a widget's fields (seed 000's snake_case names); null clears unit, data_type or options. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dashboard:write')
  const { dashboardId, widgetId } = await validParams(event, WidgetParams)
  const change = await validBody(event, WidgetPatchBody)
  const { db } = await usePlatform()
  const dashboard = await requireDashboard(db.sql, ctx, dashboardId)
  const widget = await updateWidget(db.sql, actorOf(ctx), dashboard, widgetId, change)
  if (widget === 'not_found') throw notFoundError('WIDGET_NOT_FOUND', 'Widget not found')
  if (widget === 'duplicate_key') throw conflictError('WIDGET_KEY_EXISTS', `This dashboard has a widget "${change.widget_key}" already`)
  return widget
})
