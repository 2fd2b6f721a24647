import { z } from 'zod'
import { idKey, pageOf, pageQuery } from '../admin/page'
import { slug } from './schemas'

export const DeliveryListQuery = pageQuery(z.tuple([idKey])).extend({
  tenant: slug.optional(),
  endpoint: z.uuid().optional().describe('Only this endpoint\'s deliveries'),
  alarm: z.uuid().optional().describe('Only this alarm\'s'),
  status: z.enum(['pending', 'delivered', 'failed', 'cancelled']).optional()
})
export type DeliveryFilter = z.infer<typeof DeliveryListQuery>

const Attempt = z.object({
  attempt: z.number().int(),
  at: z.number(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
  nextRetryAt: z.number().nullable()
})

export const DeliveryJson = z.object({
  id: z.number().int(),
  endpointId: z.string().nullable(),
  userId: z.string().nullable(),
  /** The user's email for user deliveries. */
  recipient: z.string().nullable(),
  alarmId: z.string(),
  event: z.enum(['raised', 'acknowledged', 'cleared', 'escalated']),
  level: z.number().int().describe('Escalation level; 0 for transitions'),
  status: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
  attempts: z.number().int(),
  nextAttemptAt: z.number().nullable().describe('Pending only'),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  deliveredAt: z.number().nullable(),
  log: z.array(Attempt).describe('Every attempt, first first')
}).meta({ id: 'NotificationDelivery' })
export type DeliveryJson = z.infer<typeof DeliveryJson>

export const DeliveryPage = pageOf(DeliveryJson)
