/**
 * Bucket widths in seconds. Up to 15m they come from telemetry_minutely (plus the raw rows of partial
 * minutes at the ends); 1h and wider from telemetry_hourly. Both are maintained on ingest, so no range
 * scans more than two minutes of raw rows.
 */
export const BUCKETS = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '6h': 21_600, '1d': 86_400 } as const

export type BucketSize = keyof typeof BUCKETS
export type Bucket = 'raw' | BucketSize
export type BucketChoice = Bucket | 'auto'

export const BUCKET_CHOICES = ['raw', 'auto', ...Object.keys(BUCKETS) as BucketSize[]] as [BucketChoice, ...BucketChoice[]]

const HOUR_MS = 3_600_000
/** `auto` returns raw rows up to this range. */
export const AUTO_RAW_MAX_MS = 2 * HOUR_MS
/** `auto` reads telemetry_hourly beyond this range. */
export const AUTO_HOURLY_AFTER_MS = 7 * 24 * HOUR_MS
/** `auto` keeps each series at or under this many buckets when a width allows it. */
export const AUTO_MAX_BUCKETS = 1000

export const bucketMs = (size: BucketSize) => BUCKETS[size] * 1000

/** True for widths read from telemetry_hourly rather than raw events. */
export const isHourlyBucket = (size: BucketSize) => BUCKETS[size] >= 3600

/** The bucket a request gets: as asked, or for `auto` the finest width that keeps the series short. */
export function chooseBucket(requested: BucketChoice, fromMs: number, toMs: number): Bucket {
  if (requested !== 'auto') return requested
  const range = toMs - fromMs
  if (range <= AUTO_RAW_MAX_MS) return 'raw'
  const sizes = (Object.keys(BUCKETS) as BucketSize[]).filter(s => isHourlyBucket(s) === (range > AUTO_HOURLY_AFTER_MS))
  return sizes.find(s => range / bucketMs(s) <= AUTO_MAX_BUCKETS) ?? sizes[sizes.length - 1]!
}
