import { findGateways, gatewayStatusHistory } from '../../../admin/gateways'
import { GatewayHistoryQuery, GatewayParams } from '../../../admin/gateway-schemas'
import { pageRequest } from '../../../admin/page'

/** A gateway's online/offline transitions (heartbeats, Last Will, watchdog), newest first; `from`/`to` narrow the time. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'gateway:read')
  const { gatewayId } = await validParams(event, GatewayParams)
  const query = await validQuery(event, GatewayHistoryQuery)
  const { db } = await usePlatform()
  const gateway = requireOne(await findGateways(db.sql, readScope(ctx, query.tenant), gatewayId), 'GATEWAY', `Gateway "${gatewayId}"`)
  return gatewayStatusHistory(db.sql, gateway.id, query, pageRequest(query))
})
