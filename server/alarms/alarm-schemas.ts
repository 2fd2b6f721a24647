import { z } from 'zod'
import { pageQuery } from '../admin/page'
import { SEVERITIES } from './rules'
import { ALARM_TYPES } from './observations'

const slug = z.string().trim().min(1).max(128)
const when = z.union([z.iso.datetime({ offset: true }), z.coerce.number().int().nonnegative()])
  .transform(v => typeof v === 'number' ? v : Date.parse(v))
const bool = z.enum(['true', 'false']).transform(v => v === 'true')
const severityList = z.string().transform((s, ctx) => {
  const list = s.split(',').map(x => x.trim()).filter(Boolean)
  const bad = list.find(x => !(SEVERITIES as readonly string[]).includes(x))
  if (bad || !list.length) ctx.addIssue({ code: 'custom', message: `one or more of ${SEVERITIES.join(', ')}` })
  return list
})

/** The sort key of alarm lists: newest first by (ts, id). */
const AlarmPageKey = z.tuple([z.number(), z.uuid()])

/** `GET /api/alarms` (seed 000: `?acknowledged=false&severity=high`) and its per-PLC variant. */
export const AlarmListQuery = pageQuery(AlarmPageKey).extend({
  tenant: slug.optional().describe('Platform admins: narrow to one tenant'),
  site: slug.optional(),
  acknowledged: bool.optional(),
  severity: severityList.optional().describe('One severity or a comma-separated list'),
  state: z.enum(['active', 'acknowledged', 'cleared', 'open']).optional().describe('`open`: active or acknowledged'),
  type: z.enum(ALARM_TYPES).optional(),
  shelved: bool.optional().describe('true: only shelved alarms; false: hide them'),
  from: when.optional(),
  to: when.optional()
}).refine(q => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['from'], message: 'must not be after to' })

export type AlarmListFilter = z.infer<typeof AlarmListQuery>

export const AlarmIdParams = z.object({ id: z.uuid() })
export const AlarmPlcParams = z.object({ site: slug, plcId: slug })

export const AcknowledgeBody = z.object({ comment: z.string().trim().max(2000).optional() }).default({})

export const ShelveBody = z.object({
  minutes: z.number().int().min(1).max(7 * 24 * 60).describe('How long to shelve the alarm for'),
  comment: z.string().trim().max(2000).optional()
})

export const AlarmStatsQuery = z.object({
  tenant: slug.optional(),
  site: slug.optional(),
  from: when.optional(),
  to: when.optional()
})

const nullableMs = z.number().nullable()
const severity = z.enum(SEVERITIES as [string, ...string[]])

/** The response shape of an alarm (AlarmJson), for the OpenAPI document. */
export const AlarmResponse = z.object({
  id: z.uuid(),
  tenant: z.string(),
  site: z.string(),
  plcId: z.string().nullable(),
  gatewayId: z.string().nullable(),
  ruleId: z.uuid().nullable(),
  metric: z.string().nullable(),
  type: z.enum(ALARM_TYPES),
  message: z.string(),
  severity,
  state: z.enum(['active', 'acknowledged', 'cleared']),
  acknowledged: z.boolean(),
  value: z.number().nullable(),
  ts: z.number().describe('Epoch ms'),
  acknowledgedAt: nullableMs,
  acknowledgedBy: z.string().nullable(),
  ackComment: z.string().nullable(),
  clearedAt: nullableMs,
  clearValue: z.number().nullable(),
  shelvedUntil: nullableMs,
  createdAt: z.number()
}).meta({ id: 'Alarm' })

export const AlarmDetailResponse = AlarmResponse.extend({
  history: z.array(z.object({
    kind: z.enum(['raised', 'acknowledged', 'cleared', 'shelved', 'unshelved']),
    at: z.number(),
    actor: z.string().nullable(),
    value: z.number().nullable(),
    comment: z.string().nullable()
  }))
})

export const AlarmStatsResponse = z.object({
  bySeverity: z.record(severity, z.number().int()),
  byState: z.object({ active: z.number().int(), acknowledged: z.number().int(), cleared: z.number().int() }),
  meanTimeToAcknowledgeMs: z.number().nullable(),
  meanTimeToClearMs: z.number().nullable()
})
