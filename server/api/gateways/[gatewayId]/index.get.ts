import { findGateways, gatewayDetail } from '../../../admin/gateways'
import { GatewayParams } from '../../../admin/gateway-schemas'
import { TenantQuery } from '../../../queries/schemas'

/** One gateway, with the PLCs whose messages came through it. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'gateway:read')
  const { gatewayId } = await validParams(event, GatewayParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  const scope = readScope(ctx, tenant)
  const gateway = requireOne(await findGateways(db.sql, scope, gatewayId), 'GATEWAY', `Gateway "${gatewayId}"`)
  return gatewayDetail(db.sql, scope, gateway)
})
