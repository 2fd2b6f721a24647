import { z } from 'zod'

/** A position in a keyset-ordered list: the sort key of the last item returned. */
export type PageKey = (string | number)[]

export interface PageRequest {
  limit: number
  after?: PageKey
}

export interface Page<T> {
  items: T[]
  /** Pass as `?cursor=` for the next page; null on the last one. */
  nextCursor: string | null
}

const MAX_LIMIT = 500

/** Sort-key columns of the lists: text (slugs, emails) and bigserial ids. */
export const textKey = z.string().max(1024)
export const idKey = z.number().int().positive()

/**
 * `?limit=&cursor=` of every admin list. The cursor is opaque to clients (base64url of the last
 * item's sort key, checked against `key`, so a cursor of another list is a 422, not a SQL error).
 */
export function pageQuery(key: z.ZodType<PageKey>) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(100),
    cursor: z.string().max(4096).transform((text, ctx) => {
      const decoded = decodePageKey(text, key)
      if (!decoded) ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this list' })
      return decoded ?? z.NEVER
    }).optional()
  })
}

/** The page request of a parsed `pageQuery`. */
export const pageRequest = (q: { limit: number, cursor?: PageKey }): PageRequest => ({ limit: q.limit, after: q.cursor })

/** The response shape of a list of `item`, for the OpenAPI document. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() })

/**
 * Cuts the rows of a query that asked for `limit + 1` into a page: the extra row only says that
 * there is a next page, whose cursor is the key of the last row kept.
 */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => PageKey, present: (row: R) => T): Page<T> {
  const kept = rows.slice(0, limit)
  const last = kept[kept.length - 1]
  return {
    items: kept.map(present),
    nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify(keyOf(last))).toString('base64url') : null
  }
}

function decodePageKey(text: string, key: z.ZodType<PageKey>): PageKey | null {
  try {
    const parsed = key.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
