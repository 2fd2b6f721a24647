import { actorOf } from '../../../../audit/actor'
import { createDashboard } from '../../../../admin/dashboards'
import { DashboardCreateBody, DashboardCreateParams } from '../../../../admin/dashboard-schemas'

/** Creates the empty dashboard of a PLC (seed 000); the site is in the body, PLC ids are unique per site only. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dashboard:write')
  const { plcId } = await validParams(event, DashboardCreateParams)
  const { site, tenant, ...dashboard } = await validBody(event, DashboardCreateBody)
  const { db } = await usePlatform()
  const plc = await requirePlc(db, readScope(ctx, tenant), { site, plcId })
  const created = await createDashboard(db.sql, actorOf(ctx), plc, dashboard)
  if (!created) throw conflictError('DASHBOARD_EXISTS', `PLC "${plcId}" of site "${site}" has a dashboard already`)
  setResponseStatus(event, 201)
  return created
})
