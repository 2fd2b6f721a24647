import type { AuthContext } from '../auth/types'
import type { SqlClient } from '../db/client'
import { findDashboard, type DashboardRef } from '../admin/dashboards'

/** The dashboard a route names if the caller may see its PLC; else a 404, whether it exists or not. */
export async function requireDashboard(sql: SqlClient, ctx: AuthContext, id: string): Promise<DashboardRef> {
  const dashboard = await findDashboard(sql, readScope(ctx), id)
  if (!dashboard) throw notFoundError('DASHBOARD_NOT_FOUND', 'Dashboard not found')
  return dashboard
}
