import type { Database } from '../db/client'
import type { CsvCell } from '../http/csv-response'
import type { Bucket } from './buckets'
import { bucketExportRows, rawExportRows, type ExportWindow } from './export-rows'

const RAW_COLUMNS = ['ts', 'metric', 'value', 'quality', 'unit']
const BUCKET_COLUMNS = ['ts', 'metric', 'count', 'avg', 'min', 'max']

/** The CSV header: raw values, or one row per (bucket start, metric). */
export const csvColumns = (bucket: Bucket) => (bucket === 'raw' ? RAW_COLUMNS : BUCKET_COLUMNS)

const iso = (ms: number) => new Date(ms).toISOString()

/** The export's records in `csvColumns` order, timestamps as ISO-8601 UTC. */
export async function* csvBatches(db: Database, w: ExportWindow, bucket: Bucket): AsyncGenerator<CsvCell[][]> {
  if (bucket === 'raw') {
    for await (const rows of rawExportRows(db, w)) yield rows.map(r => [iso(r.ts), r.metric, r.value, r.quality, r.unit])
  } else {
    for await (const rows of bucketExportRows(db, w, bucket)) yield rows.map(r => [iso(r.ts), r.metric, r.count, r.avg, r.min, r.max])
  }
}
