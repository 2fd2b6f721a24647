import { plcMetrics } from '../../../../queries/plc-metrics'
import { StatsQuery } from '../../../../queries/range-schemas'
import { PlcParams } from '../../../../queries/schemas'
import { metricStats } from '../../../../queries/stats'

/** count/min/max/avg/first/last per metric over a range, from the aggregates where they are whole. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'telemetry:read')
  const { site, plcId } = await validParams(event, PlcParams)
  const { tenant, from, to, metric } = await validQuery(event, StatsQuery)
  const { db } = await usePlatform()
  const plc = await requirePlc(db, readScope(ctx, tenant), { site, plcId })
  const items = await metricStats(db, { plc, from, to, metrics: await plcMetrics(db, plc, metric) })
  return { tenant: plc.tenant, site, plcId, from, to, items }
})
