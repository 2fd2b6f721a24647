import { PlcParams, TenantQuery } from '../../../../queries/schemas'
import { plcState } from '../../../../queries/state'

/** The latest value of each metric of one PLC. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'telemetry:read')
  const { site, plcId } = await validParams(event, PlcParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  return plcState(db, await requirePlc(db, readScope(ctx, tenant), { site, plcId }))
})
