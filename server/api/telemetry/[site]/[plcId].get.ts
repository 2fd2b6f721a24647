import { plcHistory } from '../../../queries/history'
import { HistoryQuery, PlcParams } from '../../../queries/schemas'

/** One page of a PLC's history, raw or bucketed; walk it with `nextCursor`. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'telemetry:read')
  const { site, plcId } = await validParams(event, PlcParams)
  const { tenant, from, to, limit, metric, bucket, cursor } = await validQuery(event, HistoryQuery)
  const { db } = await usePlatform()
  const plc = await requirePlc(db, readScope(ctx, tenant), { site, plcId })
  const page = await plcHistory(db, { plc, from, to, limit, metrics: metric, bucket, cursor })
  return { tenant: plc.tenant, site, plcId, from, to, ...page }
})
