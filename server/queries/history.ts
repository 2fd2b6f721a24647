import type { Database } from '../db/client'
import type { Bucket } from './buckets'
import { bucketHistory, type BucketItem } from './history-buckets'
import { rawHistory, type HistoryWindow, type Page, type RawItem } from './history-raw'

export type HistoryJson = ({ bucket: 'raw' } & Page<RawItem>) | ({ bucket: Exclude<Bucket, 'raw'> } & Page<BucketItem>)

/** One page of a PLC's history: raw values, or aggregates when `bucket` names a width. */
export async function plcHistory(db: Database, w: HistoryWindow & { bucket: Bucket }): Promise<HistoryJson> {
  if (w.bucket === 'raw') return { bucket: 'raw', ...await rawHistory(db, w) }
  return { bucket: w.bucket, ...await bucketHistory(db, w, w.bucket) }
}
