import { z } from 'zod'
import { BUCKET_CHOICES, bucketMs, chooseBucket } from './buckets'
import { DAY_MS, MAX_EXPLICIT_BUCKETS, TenantQuery, id, instant } from './schemas'

// `metric=a,b` or `metric=a&metric=b` (or both); a metric name cannot hold a comma here.
const metricList = z.union([z.string(), z.array(z.string()).min(1).max(100)])
  .transform(m => [...new Set((typeof m === 'string' ? [m] : m).flatMap(s => s.split(',')).map(s => s.trim()).filter(Boolean))])
  .pipe(z.array(id).min(1).max(100))

/** `to` defaults to now, `from` to 24 h before it; both inclusive, `from` not after `to`. */
const range = <T extends { from?: number, to?: number }>(q: T) => {
  const to = q.to ?? Date.now()
  return { ...q, to, from: q.from ?? to - DAY_MS }
}
const ordered = (q: { from: number, to: number }) => q.from <= q.to
const unordered = { path: ['from'], message: 'from must not be after to' }

/** Stats of a PLC's metrics over a range. */
export const StatsQuery = TenantQuery.extend({
  from: instant.optional(),
  to: instant.optional(),
  metric: metricList.optional()
}).transform(range).refine(ordered, unordered)

/**
 * CSV export: raw rows by default, or buckets (`auto` as in the history route). `token` is the ID
 * token for a plain browser link, which cannot send an Authorization header (auth middleware).
 */
export const ExportQuery = TenantQuery.extend({
  from: instant.optional(),
  to: instant.optional(),
  metric: metricList.optional(),
  bucket: z.enum(BUCKET_CHOICES).default('raw'),
  token: z.string().max(8192).optional().meta({ description: 'Firebase ID token, for links that cannot send `Authorization`' })
}).transform(q => range(q)).transform(q => ({ ...q, bucket: chooseBucket(q.bucket, q.from, q.to) }))
  .refine(ordered, unordered)
  .refine(q => q.bucket === 'raw' || (q.to - q.from) / bucketMs(q.bucket) <= MAX_EXPLICIT_BUCKETS, {
    path: ['bucket'], message: `too many buckets for this range (max ${MAX_EXPLICIT_BUCKETS}); use a wider bucket or auto`
  })

export type StatsQuery = z.output<typeof StatsQuery>
export type ExportQuery = z.output<typeof ExportQuery>
