import { z } from 'zod'
import { pageQuery, textKey } from '../admin/page'
import { RULE_KINDS, SEVERITIES } from './rules'

const slug = z.string().trim().min(1).max(128)
const nonNegative = z.number().finite().nonnegative()

/**
 * How a `learnt` rule learns each PLC's bounds from its history (seed 003 rule 1): the pLow / pHigh
 * percentiles of the last `windowDays`, once `minPoints` values exist, widened on each side by
 * max(padAbs, padFrac × (pHigh − pLow)).
 */
export const LearntOptions = z.object({
  windowDays: z.number().min(0.01).max(366).default(7),
  pLow: z.number().min(0).max(1).default(0.01),
  pHigh: z.number().min(0).max(1).default(0.99),
  padFrac: z.number().min(0).max(10).default(0.05),
  padAbs: z.number().finite().min(0).default(0),
  minPoints: z.number().int().min(2).max(10_000_000).default(150)
}).refine(o => o.pLow < o.pHigh, { path: ['pLow'], message: 'must be below pHigh' })

export type LearntOptions = z.infer<typeof LearntOptions>

/** An alarm rule: where it applies, its limits (given, or learnt) and how it is debounced (SPEC §6, seed 003 rule 1). */
export const AlarmRuleBody = z.object({
  tenant: slug.optional().describe('Platform admins: the tenant; others may omit it'),
  site: slug.nullish().transform(v => v ?? undefined).describe('Omitted (or null): every plant of the tenant'),
  plcId: slug.nullish().transform(v => v ?? undefined).describe('Omitted (or null): every PLC of the site (or tenant)'),
  machineType: slug.nullable().default(null).describe('Set: only machines of this type (static limits per machine type)'),
  metric: slug,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(RULE_KINDS).default('threshold').describe('`threshold`: min/max as given; `learnt`: bounds from each PLC\'s history; `stale`: no value for staleAfterS'),
  // Null is accepted as "none" for both, so a rule as GET returns it can be PUT back.
  learnt: LearntOptions.nullish().describe('For kind `learnt`; defaults apply when omitted'),
  staleAfterS: z.number().int().min(1).max(7 * 86_400).nullish().describe('For kind `stale`: raise when a PLC sent no value of the metric for this long'),
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
  .refine(r => r.kind !== 'threshold' || r.min !== null || r.max !== null, { path: ['max'], message: 'a threshold rule needs min, max or both' })
  .refine(r => r.kind === 'threshold' || (r.min === null && r.max === null), { path: ['max'], message: 'only threshold rules take min and max' })
  .refine(r => r.kind === 'learnt' || r.learnt == null, { path: ['learnt'], message: 'only for kind learnt' })
  .refine(r => (r.kind === 'stale') === (r.staleAfterS != null), { path: ['staleAfterS'], message: 'required for kind stale, and only for it' })
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
  machineType: z.string().nullable(),
  metric: z.string(),
  name: z.string(),
  kind: z.enum(RULE_KINDS),
  staleAfterS: z.number().int().nullable(),
  learnt: z.object({ windowDays: z.number(), pLow: z.number(), pHigh: z.number(), padFrac: z.number(), padAbs: z.number(), minPoints: z.number() }).nullable(),
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

export const LearntBoundsResponse = z.object({
  items: z.array(z.object({
    site: z.string(),
    plcId: z.string(),
    metric: z.string(),
    pLow: z.number().describe('The pLow percentile of the window'),
    pHigh: z.number(),
    low: z.number().describe('The limits applied: the percentiles widened by the padding'),
    high: z.number(),
    points: z.number().int(),
    windowFrom: z.number(),
    windowTo: z.number(),
    computedAt: z.number()
  }))
})

export const HintsResponse = z.object({
  items: z.array(z.object({
    kind: z.enum(['threshold_always_breached', 'rule_metric_never_seen', 'widget_without_history']),
    message: z.string(),
    ruleId: z.string().optional(),
    dashboardId: z.string().optional(),
    widgetKey: z.string().optional(),
    site: z.string().optional(),
    plcId: z.string().optional(),
    metric: z.string(),
    suggestion: z.record(z.string(), z.unknown()).describe('The change that would fix it, in the shape of the object\'s own API')
  }))
})
