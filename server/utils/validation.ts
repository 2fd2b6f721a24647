import type { H3Event } from 'h3'
import type { z } from 'zod'

/** The query string parsed by a zod schema; a failure is a 400 naming the first bad field. */
export async function validQuery<S extends z.ZodType>(event: H3Event, schema: S): Promise<z.output<S>> {
  return orBadRequest(await getValidatedQuery(event, schema.safeParse), 'query')
}

/** The (decoded) route parameters parsed by a zod schema; a failure is a 400 naming the field. */
export async function validParams<S extends z.ZodType>(event: H3Event, schema: S): Promise<z.output<S>> {
  return orBadRequest(await getValidatedRouterParams(event, schema.safeParse, { decode: true }), 'params')
}

// The validator returns zod's result instead of throwing: h3 would wrap a thrown error in its own
// generic 400 ("Validation Error"), and clients narrow on `data.code` and `data.field`.
function orBadRequest<T>(result: z.ZodSafeParseResult<T>, part: 'query' | 'params'): T {
  if (result.success) return result.data
  const issues = result.error.issues.map(i => ({ field: i.path.join('.') || part, message: i.message }))
  const first = issues[0]!
  throw createError({
    statusCode: 400,
    statusMessage: part === 'query' ? 'Invalid query' : 'Invalid parameters',
    message: `Invalid ${part}: ${first.field}: ${first.message}`,
    data: { code: part === 'query' ? 'INVALID_QUERY' : 'INVALID_PARAMS', field: first.field, issues }
  })
}
