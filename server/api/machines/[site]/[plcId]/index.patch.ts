import { actorOf } from '../../../../audit/actor'
import { renameMachine } from '../../../../admin/machines'
import { MachineRenameBody } from '../../../../admin/machine-schemas'
import { PlcParams, TenantQuery } from '../../../../queries/schemas'

/** Renames a machine. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'machine:manage')
  const where = await validParams(event, PlcParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { name } = await validBody(event, MachineRenameBody)
  const { db } = await usePlatform()
  const plc = await requirePlc(db, readScope(ctx, tenant), where)
  return renameMachine(db.sql, actorOf(ctx), plc.id, name)
})
