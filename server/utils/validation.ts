import type { H3Event } from 'h3'
import type { z } from 'zod'

type Part = 'query' | 'params' | 'body'

const CODES: Record<Part, string> = { query: 'INVALID_QUERY', params: 'INVALID_PARAMS', body: 'INVALID_BODY' }

/** The query string parsed by a zod schema; a failure is a 422 naming the first bad field. */
export async function validQuery<S extends z.ZodType>(event: H3Event, schema: S): Promise<z.output<S>> {
  return orUnprocessable(await getValidatedQuery(event, schema.safeParse), 'query')
}

/**
 * The (decoded) route parameters parsed by a zod schema; a failure is a 422 naming the field.
 * `names` maps a documented parameter to the route file's, where Nitro's router forces a shared
 * name on one position (server/api/alarms/[key]).
 */
export async function validParams<S extends z.ZodType>(event: H3Event, schema: S, names?: Record<string, string>): Promise<z.output<S>> {
  if (!names) return orUnprocessable(await getValidatedRouterParams(event, schema.safeParse, { decode: true }), 'params')
  const params = getRouterParams(event, { decode: true })
  const renamed = { ...params, ...Object.fromEntries(Object.entries(names).map(([doc, file]) => [doc, params[file]])) }
  return orUnprocessable(schema.safeParse(renamed), 'params')
}

/** The JSON body parsed by a zod schema; malformed JSON is a 400, a failing field a 422 naming it. */
export async function validBody<S extends z.ZodType>(event: H3Event, schema: S): Promise<z.output<S>> {
  return orUnprocessable(await readValidatedBody(event, schema.safeParse), 'body')
}

// The validator returns zod's result instead of throwing: h3 would wrap a thrown error in its own
// generic 400 ("Validation Error"), and clients narrow on `data.code` and `data.field`.
function orUnprocessable<T>(result: z.ZodSafeParseResult<T>, part: Part): T {
  if (result.success) return result.data
  const issues = result.error.issues.map(i => ({ field: i.path.join('.') || part, message: i.message }))
  const first = issues[0]!
  throw createError({
    statusCode: 422,
    statusMessage: `Invalid ${part}`,
    message: `Invalid ${part}: ${first.field}: ${first.message}`,
    data: { code: CODES[part], field: first.field, issues }
  })
}
