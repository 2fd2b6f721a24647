import { actorOf } from '../../../audit/actor'
import { findGateways, updateGateway } from '../../../admin/gateways'
import { GatewayParams, GatewayPatchBody } from '../../../admin/gateway-schemas'
import { TenantQuery } from '../../../queries/schemas'

/** Renames a gateway and/or approves (claims) or rejects one the ingest registered as pending. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'gateway:write')
  const { gatewayId } = await validParams(event, GatewayParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const change = await validBody(event, GatewayPatchBody)
  const { db } = await usePlatform()
  const gateway = requireOne(await findGateways(db.sql, readScope(ctx, tenant), gatewayId), 'GATEWAY', `Gateway "${gatewayId}"`)
  return updateGateway(db.sql, actorOf(ctx), gateway.id, change)
})
