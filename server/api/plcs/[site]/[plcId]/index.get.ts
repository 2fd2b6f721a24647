import { toPlcJson } from '../../../../queries/plcs'
import { PlcParams, TenantQuery } from '../../../../queries/schemas'

/** One PLC. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'telemetry:read')
  const { site, plcId } = await validParams(event, PlcParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  return toPlcJson(await requirePlc(db, readScope(ctx, tenant), { site, plcId }))
})
