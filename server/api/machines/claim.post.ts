import { actorOf } from '../../audit/actor'
import { claimMachine } from '../../admin/machines'
import { MachineClaimBody } from '../../admin/machine-schemas'
import { findPlants } from '../../admin/plants'

/** Claims a pending machine by the code its gateway shows (`{gatewayId}/{plcId}`), making it active. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'machine:manage')
  const { claimCode, site, name, tenant } = await validBody(event, MachineClaimBody)
  const { db } = await usePlatform()
  const plant = requireOne(await findPlants(db.sql, readScope(ctx, tenant), site), 'SITE', `Site "${site}"`)
  const claim = await claimMachine(db.sql, actorOf(ctx), plant.id, claimCode, name)
  if (claim.outcome === 'not_found') throw notFoundError('CLAIM_CODE_NOT_FOUND', `No machine of site "${site}" has this claim code`)
  if (claim.outcome === 'not_pending') throw conflictError('MACHINE_NOT_PENDING', 'This machine is not pending: it was approved or rejected already')
  return claim.machine
})
