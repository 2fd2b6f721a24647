import { actorOf } from '../../../../audit/actor'
import { setMachineStatus } from '../../../../admin/machines'
import { MachineApproveBody } from '../../../../admin/machine-schemas'
import { PlcParams, TenantQuery } from '../../../../queries/schemas'

/** Approves a machine (pending or rejected → active), optionally naming it. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'machine:manage')
  const where = await validParams(event, PlcParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { name } = await validBody(event, MachineApproveBody)
  const { db } = await usePlatform()
  const plc = await requirePlc(db, readScope(ctx, tenant), where)
  return setMachineStatus(db.sql, actorOf(ctx), plc.id, 'active', name)
})
