import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi'
import { z } from 'zod'
import type { Operation } from './operation'
import { operations as access } from './operations/access'
import { operations as alarms } from './operations/alarms'
import { operations as audit } from './operations/audit'
import { operations as dashboards } from './operations/dashboards'
import { operations as deadLetters } from './operations/dead-letters'
import { operations as exports } from './operations/exports'
import { operations as gateways } from './operations/gateways'
import { operations as machines } from './operations/machines'
import { operations as notifications } from './operations/notifications'
import { operations as plants } from './operations/plants'
import { operations as telemetry } from './operations/telemetry'
import { operations as tenants } from './operations/tenants'
import { operations as users } from './operations/users'

export const OPERATIONS: Operation[] = [...telemetry, ...access, ...tenants, ...plants, ...gateways, ...machines, ...users, ...dashboards, ...deadLetters, ...alarms, ...audit, ...notifications, ...exports]

const ErrorBody = z.object({
  statusCode: z.number().int(),
  message: z.string(),
  data: z.object({ code: z.string(), field: z.string().optional() }).loose().optional()
}).meta({ id: 'Error' })

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } })

function toOperation(op: Operation): ZodOpenApiOperationObject {
  const status = String(op.status ?? 200)
  return {
    summary: op.summary,
    tags: [op.tag],
    ...(op.permission ? { security: [{ firebase: [] }], description: op.permission === 'signed-in' ? 'Any signed-in user.' : `Needs \`${op.permission}\`.` } : { security: [] }),
    requestParams: { ...(op.params ? { path: op.params } : {}), ...(op.query ? { query: op.query as z.ZodObject } : {}) },
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
    responses: {
      [status]: op.produces
        ? { description: 'OK', content: { [op.produces]: { schema: { type: 'string' } } } }
        : op.response && status !== '204' ? { description: 'OK', content: { 'application/json': { schema: op.response } } } : { description: 'OK' },
      ...(op.permission ? { 401: errorResponse('No valid ID token'), 403: errorResponse('The role may not do this'), 404: errorResponse('Not found (or not visible to the caller)') } : {}),
      ...(op.params || op.query || op.body ? { 422: errorResponse('Invalid input; `data.field` names the field') } : {})
    }
  }
}

let cached: ReturnType<typeof createDocument> | undefined

/** The OpenAPI 3.1 document of the API, generated from the zod schemas the routes validate with. */
export function openApiDocument() {
  if (cached) return cached
  const paths: ZodOpenApiPathsObject = {}
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = toOperation(op)
  cached = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Plant Telemetry API',
      version: '1',
      description: 'Industrial telemetry: MQTT ingest, history, live state, alarms and dashboards. Send a Firebase ID token as `Authorization: Bearer <token>`. Live streams: WebSocket `/ws` and SSE `/api/stream`.'
    },
    components: { securitySchemes: { firebase: { type: 'http', scheme: 'bearer', bearerFormat: 'Firebase ID token (JWT)' } } },
    security: [{ firebase: [] }],
    paths
  })
  return cached
}
