import { z } from 'zod'

/** A slug as the API takes it to find something (tenants, sites), whatever the topic used. */
export const slug = z.string().trim().min(1).max(128)

/**
 * A slug for something new: it becomes an MQTT topic level and part of bus channel names
 * (`{prefix}:{tenant}:{site}`), so only lower-case letters, digits, `-` and `_`.
 */
export const newSlug = z.string().trim().min(1).max(64)
  .regex(/^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/, 'lower-case letters, digits, - and _ (not at the ends)')

/** A display name. */
export const displayName = z.string().trim().min(1).max(200)

/** A query-string boolean (`true`/`false`/`1`/`0`). */
export const queryFlag = z.enum(['true', 'false', '1', '0']).transform(v => v === 'true' || v === '1')

/** Epoch milliseconds in responses. */
export const epochMsJson = z.number().describe('epoch ms')

/** For `.refine`: true when a PATCH body changes something. */
export const someField = (o: object) => Object.values(o).some(v => v !== undefined)
