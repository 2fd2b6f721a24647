import { fileTime, safeFilename, sendCsv } from '../../../../http/csv-response'
import { csvBatches, csvColumns } from '../../../../queries/export-csv'
import { plcMetrics } from '../../../../queries/plc-metrics'
import { ExportQuery } from '../../../../queries/range-schemas'
import { PlcParams } from '../../../../queries/schemas'

/**
 * A PLC's history as a CSV download with no row cap, streamed from a database cursor: raw values, or
 * buckets as the history route computes them. Takes `?token=` so a plain link can download it.
 */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'export:run')
  const { site, plcId } = await validParams(event, PlcParams)
  const { tenant, from, to, metric, bucket } = await validQuery(event, ExportQuery)
  const { db, logger } = await usePlatform()
  const plc = await requirePlc(db, readScope(ctx, tenant), { site, plcId })
  const w = { plc, from, to, metrics: await plcMetrics(db, plc, metric) }
  await sendCsv(event.node.res, {
    filename: safeFilename(site, plcId, bucket, fileTime(from), fileTime(to)),
    columns: csvColumns(bucket),
    batches: csvBatches(db, w, bucket),
    logger
  })
})
