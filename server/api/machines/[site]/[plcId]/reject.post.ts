import { actorOf } from '../../../../audit/actor'
import { setMachineStatus } from '../../../../admin/machines'
import { PlcParams, TenantQuery } from '../../../../queries/schemas'

/** Rejects a machine: it stays listed as rejected (so it is not offered again) until approved. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'machine:manage')
  const where = await validParams(event, PlcParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  const plc = await requirePlc(db, readScope(ctx, tenant), where)
  return setMachineStatus(db.sql, actorOf(ctx), plc.id, 'rejected')
})
