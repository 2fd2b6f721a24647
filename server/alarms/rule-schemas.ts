import { z } from 'zod'
import { pageQuery, textKey } from '../admin/page'
import { SEVERITIES } from './rules'

const slug = z.string().trim().min(1).max(128)
const nonNegative = z.number().finite().nonnegative()

/** A threshold rule: where it applies, its limits and how it is debounced (SPEC §6, seed 003 rule 1). */
export const AlarmRuleBody = z.object({
  tenant: slug.optional().describe('Platform admins: the tenant; others may omit it'),
  site: slug.optional().describe('Omitted: every plant of the tenant'),
  plcId: slug.optional().describe('Omitted: every PLC of the site (or tenant)'),
  metric: slug,
  name: z.string().trim().min(1).max(200),
  min: z.number().finite().nullable().default(null),
  max: z.number().finite().nullable().default(null),
  deadband: nonNegative.default(0).describe('How far back inside the limit a value must come before the alarm clears'),
  toleranceAbs: nonNegative.default(0).describe('A limit is crossed only beyond max(toleranceAbs, toleranceFrac × |limit|)'),
  toleranceFrac: nonNegative.max(10).default(0),
  minDurationS: z.number().int().min(0).max(86_400).default(0).describe('The condition must hold this long before the alarm is raised'),
  cooldownS: z.number().int().min(0).max(86_400).default(0).describe('After a clear, the alarm is not raised again for this long'),
  severity: z.enum(SEVERITIES as [string, ...string[]]).default('medium'),
  enabled: z.boolean().default(true)
})
  .refine(r => !r.plcId || r.site, { path: ['site'], message: 'required with plcId (PLC ids are unique per site)' })
  .refine(r => r.min !== null || r.max !== null, { path: ['max'], message: 'a rule needs min, max or both' })
  .refine(r => r.min === null || r.max === null || r.min <= r.max, { path: ['min'], message: 'must not be above max' })

export type AlarmRuleInput = z.infer<typeof AlarmRuleBody>

export const AlarmRuleIdParams = z.object({ id: z.uuid() })

export const AlarmRuleListQuery = pageQuery(z.tuple([textKey, textKey])).extend({ tenant: slug.optional() })
export const AlarmRuleTenantQuery = z.object({ tenant: slug.optional() })

export const AlarmRuleResponse = z.object({
  id: z.uuid(),
  tenant: z.string(),
  site: z.string().nullable(),
  plcId: z.string().nullable(),
  metric: z.string(),
  name: z.string(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  deadband: z.number(),
  toleranceAbs: z.number(),
  toleranceFrac: z.number(),
  minDurationS: z.number().int(),
  cooldownS: z.number().int(),
  severity: z.enum(SEVERITIES as [string, ...string[]]),
  enabled: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number()
}).meta({ id: 'AlarmRule' })
