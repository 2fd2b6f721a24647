import { actorOf } from '../../../../audit/actor'
import { updateMachine } from '../../../../admin/machines'
import { MachineUpdateBody } from '../../../../admin/machine-schemas'
import { PlcParams, TenantQuery } from '../../../../queries/schemas'

/** Renames a machine and/or sets its type (which alarm rules may apply to). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'machine:manage')
  const where = await validParams(event, PlcParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const change = await validBody(event, MachineUpdateBody)
  const platform = await usePlatform()
  const plc = await requirePlc(platform.db, readScope(ctx, tenant), where)
  const machine = await updateMachine(platform.db.sql, actorOf(ctx), plc.id, change)
  if (change.machineType !== undefined) platform.alarmRulesChanged(plc.tenantId)
  return machine
})
