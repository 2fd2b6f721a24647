import { listMachines } from '../../admin/machines'
import { MachineListQuery } from '../../admin/machine-schemas'
import { pageRequest } from '../../admin/page'

/** The machines (PLCs) the caller may see, e.g. `?status=pending` for those waiting to be approved. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'telemetry:read')
  const query = await validQuery(event, MachineListQuery)
  const { db } = await usePlatform()
  return listMachines(db.sql, readScope(ctx, query.tenant), query, pageRequest(query))
})
