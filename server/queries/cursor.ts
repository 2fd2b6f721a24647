import { z } from 'zod'

/**
 * Where the next page starts: just after (ts, metric, key) of the last item returned. `tsUs` is epoch
 * microseconds as text (timestamptz precision, beyond what a JS number of milliseconds keeps exactly);
 * `bucket` records which series the cursor walks, so it cannot be replayed against another one.
 */
export interface Cursor {
  bucket: string
  tsUs: string
  metric: string
  /** The row's idempotency key; bucket rows have none (one row per bucket start and metric). */
  key?: string
}

const Encoded = z.tuple([z.string(), z.string().regex(/^-?\d{1,18}$/), z.string(), z.string().optional()])

/** Opaque to clients: base64url of a small JSON array. */
export function encodeCursor(c: Cursor): string {
  const parts = c.key === undefined ? [c.bucket, c.tsUs, c.metric] : [c.bucket, c.tsUs, c.metric, c.key]
  return Buffer.from(JSON.stringify(parts)).toString('base64url')
}

/** The cursor, or null when the text is not one this API produced. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const parsed = Encoded.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')))
    if (!parsed.success) return null
    const [bucket, tsUs, metric, key] = parsed.data
    return { bucket, tsUs, metric, key }
  } catch {
    return null
  }
}
