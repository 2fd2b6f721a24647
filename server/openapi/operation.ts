import type { z } from 'zod'
import type { Action } from '../auth/policy'

/**
 * One API route as the OpenAPI document describes it, built from the same zod schemas the handler
 * validates with. Each area lists its routes in server/openapi/operations/<area>.ts.
 */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI form: `/api/plcs/{site}/{plcId}`. */
  path: string
  summary: string
  tag: string
  /** The permission the route checks; undefined for public routes. */
  permission?: Action | 'signed-in'
  params?: z.ZodObject
  query?: z.ZodType
  body?: z.ZodType
  /** Success status (200 unless said). */
  status?: number
  response?: z.ZodType
  /** A response that is not JSON (a CSV download): its media type, documented as a string body. */
  produces?: string
}
