import { z } from 'zod'
import { ALL_SEVERITIES, severityList, slug, tenantField } from './schemas'

const Level = z.object({
  afterMinutes: z.number().positive().max(7 * 24 * 60).describe('Minutes unacknowledged after the alarm was raised (fractions allowed)'),
  endpoints: z.array(z.uuid()).max(50).default([]).describe('Notification endpoint ids'),
  users: z.array(z.uuid()).max(200).default([]).describe('User ids (as /api/users lists them)')
}).refine(l => l.endpoints.length + l.users.length > 0, { path: ['endpoints'], message: 'a level needs an endpoint or a user' })

export const EscalationPolicyBody = z.object({
  tenant: tenantField,
  enabled: z.boolean().default(true),
  severities: severityList.default(ALL_SEVERITIES).describe('Alarms of these severities escalate'),
  levels: z.array(Level).max(10)
}).superRefine((p, ctx) => {
  for (let i = 1; i < p.levels.length; i++) {
    if (p.levels[i]!.afterMinutes <= p.levels[i - 1]!.afterMinutes) {
      ctx.addIssue({ code: 'custom', path: ['levels', i, 'afterMinutes'], message: 'must be later than the level before' })
    }
  }
})
export type EscalationPolicyInput = z.infer<typeof EscalationPolicyBody>

export const EscalationPolicyQuery = z.object({ tenant: slug.optional() })

export const EscalationPolicyJson = z.object({
  tenant: z.string(),
  enabled: z.boolean(),
  severities: z.array(z.string()),
  levels: z.array(z.object({ level: z.number().int(), afterMinutes: z.number(), endpoints: z.array(z.string()), users: z.array(z.string()) })),
  /** Null: never set (the default, which escalates nothing). */
  updatedAt: z.number().nullable()
}).meta({ id: 'EscalationPolicy' })
export type EscalationPolicyJson = z.infer<typeof EscalationPolicyJson>
