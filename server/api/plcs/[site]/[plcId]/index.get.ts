import { toPlcJson } from '../../../../queries/plcs'
import { PlcParams, TenantQuery } from '../../../../queries/schemas'

/** One PLC. */
export default defineEventHandler(async (event) => {
  const { site, plcId } = await validParams(event, PlcParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  return toPlcJson(await requirePlc(db, { tenant, site, plcId }))
})
