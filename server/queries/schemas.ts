import { z } from 'zod'
import { decodeCursor, type Cursor } from './cursor'
import { BUCKET_CHOICES, bucketMs, chooseBucket, type Bucket } from './buckets'

export const DAY_MS = 86_400_000
/** An explicit bucket width may not cut a range into more buckets per series than this. */
export const MAX_EXPLICIT_BUCKETS = 100_000

const slug = z.string().min(1).max(128)
export const id = z.string().min(1).max(128)

/** `?tenant=` narrows any read to one tenant: a site slug is unique only within its tenant. */
export const TenantQuery = z.object({ tenant: slug.optional() })

export const SiteParams = z.object({ site: slug })
export const PlcParams = z.object({ site: slug, plcId: id })

// ISO-8601 date-time with an offset (Z or ±hh:mm), an ISO date (UTC midnight) or epoch milliseconds
// (also the audit list's from/to).
// A date-time without an offset is refused: it would mean the server's local time.
export const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date(), z.string().regex(/^\d{1,15}$/)], {
  error: 'expected an ISO-8601 date-time with offset, a date or epoch milliseconds'
}).transform(s => (/^\d+$/.test(s) ? Number(s) : Date.parse(s))).refine(Number.isFinite, 'not a valid date')

// A cursor walks one series; with `auto` pin `to`, or a later page may resolve to another width.
const cursorFits = ({ cursor, bucket }: { cursor?: Cursor, bucket: Bucket }) =>
  !cursor || (cursor.bucket === bucket && (bucket === 'raw') === (cursor.key !== undefined))

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback)

export const LatestQuery = TenantQuery.extend({ limit: limit(1000, 100) })

/**
 * History query: `to` defaults to now, `from` to 24 h before `to`, both inclusive. `bucket` comes out
 * resolved (`auto` replaced by the width chosen for the range).
 */
export const HistoryQuery = TenantQuery.extend({
  from: instant.optional(),
  to: instant.optional(),
  limit: limit(10_000, 1000),
  // Repeat the parameter for several metrics: ?metric=a&metric=b.
  metric: z.union([id, z.array(id).min(1).max(100)]).transform(m => (typeof m === 'string' ? [m] : [...new Set(m)])).optional(),
  bucket: z.enum(BUCKET_CHOICES).default('raw'),
  cursor: z.string().max(2048).transform((text, ctx) => {
    const cursor = decodeCursor(text)
    if (!cursor) ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' })
    return cursor ?? z.NEVER
  }).optional()
}).transform((q) => {
  const to = q.to ?? Date.now()
  const from = q.from ?? to - DAY_MS
  return { ...q, to, from, bucket: chooseBucket(q.bucket, from, to) }
}).refine(q => q.from <= q.to, { path: ['from'], message: 'from must not be after to' })
  .refine(q => q.bucket === 'raw' || (q.to - q.from) / bucketMs(q.bucket) <= MAX_EXPLICIT_BUCKETS, {
    path: ['bucket'], message: `too many buckets for this range (max ${MAX_EXPLICIT_BUCKETS}); use a wider bucket or auto`
  })
  .refine(cursorFits, { path: ['cursor'], message: 'cursor belongs to another bucket width' })

export type HistoryQuery = z.output<typeof HistoryQuery>
