import {
  DashboardCreateBody, DashboardCreateParams, DashboardJson, DashboardParams, DashboardPatchBody,
  WidgetBody, WidgetJson, WidgetList, WidgetParams, WidgetPatchBody, WidgetReorderBody
} from '../../admin/dashboard-schemas'
import { PlcParams, TenantQuery } from '../../queries/schemas'
import type { Operation } from '../operation'

const tag = 'Dashboards'

export const operations: Operation[] = [
  { method: 'get', path: '/api/plcs/{site}/{plcId}/dashboard', summary: 'The dashboard of a PLC, widgets in display order', tag, permission: 'dashboard:read', params: PlcParams, query: TenantQuery, response: DashboardJson },
  { method: 'post', path: '/api/admin/plcs/{plcId}/dashboard', summary: 'Create the empty dashboard of a PLC', tag, permission: 'dashboard:write', params: DashboardCreateParams, body: DashboardCreateBody, status: 201, response: DashboardJson },
  { method: 'get', path: '/api/admin/dashboards/{dashboardId}', summary: 'One dashboard with its widgets', tag, permission: 'dashboard:read', params: DashboardParams, response: DashboardJson },
  { method: 'patch', path: '/api/admin/dashboards/{dashboardId}', summary: 'Rename a dashboard or set its icon', tag, permission: 'dashboard:write', params: DashboardParams, body: DashboardPatchBody, response: DashboardJson },
  { method: 'delete', path: '/api/admin/dashboards/{dashboardId}', summary: 'Delete a dashboard with its widgets', tag, permission: 'dashboard:write', params: DashboardParams, status: 204 },
  { method: 'post', path: '/api/admin/dashboards/{dashboardId}/widgets', summary: 'Add a widget at the end of a dashboard', tag, permission: 'dashboard:write', params: DashboardParams, body: WidgetBody, status: 201, response: WidgetJson },
  { method: 'post', path: '/api/admin/dashboards/{dashboardId}/widgets/reorder', summary: 'Save the widget order (by ids or keys)', tag, permission: 'dashboard:write', params: DashboardParams, body: WidgetReorderBody, response: WidgetList },
  { method: 'patch', path: '/api/admin/dashboards/{dashboardId}/widgets/{widgetId}', summary: 'Change a widget', tag, permission: 'dashboard:write', params: WidgetParams, body: WidgetPatchBody, response: WidgetJson },
  { method: 'delete', path: '/api/admin/dashboards/{dashboardId}/widgets/{widgetId}', summary: 'Remove a widget', tag, permission: 'dashboard:write', params: WidgetParams, status: 204 }
]
