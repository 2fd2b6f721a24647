import { z } from 'zod'
import { displayName, epochMsJson, slug, someField } from './schemas'
import { TenantQuery } from '../queries/schemas'

/** Widget types of seed 000's dashboard builder (SPEC §10). */
export const widgetTypes = ['gauge', 'line', 'area', 'number', 'kpi', 'lamp', 'table', 'bar'] as const

const isHttpUrl = (v: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol)
  } catch {
    return false
  }
}
// Shown as <img src>: an http(s) URL or a path on this site (the CSP allows those and data: only).
const iconUrl = z.string().trim().max(2048)
  .refine(v => isHttpUrl(v) || /^\/(?!\/)\S*$/.test(v), 'an http(s) URL or a path on this site')

const MAX_OPTIONS_JSON = 16_384
const options = z.record(z.string(), z.unknown())
  .refine(o => JSON.stringify(o).length <= MAX_OPTIONS_JSON, `at most ${MAX_OPTIONS_JSON} characters of JSON`)
  .describe('Free-form settings of the widget (min/max, colours, thresholds…)')

const widgetKey = z.string().trim().min(1).max(128)
const metricId = z.string().min(1).max(128)
const label = z.string().trim().min(1).max(200)
const shortText = z.string().trim().min(1).max(32)

export const DashboardCreateParams = z.object({ plcId: slug })
// PLC ids are unique per site only, so the body names the site (and a platform admin's tenant, if the
// site exists in several).
export const DashboardCreateBody = TenantQuery.extend({ site: slug, name: displayName, iconUrl: iconUrl.optional() })
export const DashboardParams = z.object({ dashboardId: z.uuid() })
export const DashboardPatchBody = z.object({ name: displayName.optional(), iconUrl: iconUrl.nullable().optional() })
  .refine(someField, { path: ['name'], message: 'give name and/or iconUrl' })

/** A widget as seed 000 sends it: snake_case field names. */
export const WidgetBody = z.object({
  widget_key: widgetKey,
  type: z.enum(widgetTypes),
  label,
  metric_id: metricId,
  unit: shortText.nullable().optional(),
  data_type: shortText.nullable().optional(),
  options: options.nullable().optional()
})
export const WidgetParams = DashboardParams.extend({ widgetId: z.uuid() })
export const WidgetPatchBody = WidgetBody.partial().refine(someField, { path: ['label'], message: 'give at least one field to change' })

const unique = (list: string[]) => new Set(list).size === list.length
/**
 * The new order ("Guardar orden"), by widget ids or by widget keys. Widgets left out keep their
 * relative order after the ones named, so a list missing a widget just added still saves.
 */
export const WidgetReorderBody = z.object({
  widget_ids: z.array(z.uuid()).min(1).max(500).refine(unique, 'lists a widget twice').optional(),
  widget_keys: z.array(widgetKey).min(1).max(500).refine(unique, 'lists a widget twice').optional()
}).refine(o => (o.widget_ids === undefined) !== (o.widget_keys === undefined), { path: ['widget_ids'], message: 'give widget_ids or widget_keys (one of them)' })

export const WidgetJson = z.object({
  id: z.uuid(),
  widget_key: z.string(),
  type: z.string(),
  label: z.string(),
  metric_id: z.string(),
  unit: z.string().nullable(),
  data_type: z.string().nullable(),
  position: z.number().int(),
  options: z.record(z.string(), z.unknown()).nullable()
})
export type WidgetJson = z.infer<typeof WidgetJson>

export const DashboardJson = z.object({
  id: z.uuid(),
  tenant: z.string(),
  site: z.string(),
  plcId: z.string(),
  name: z.string(),
  iconUrl: z.string().nullable(),
  createdAt: epochMsJson,
  updatedAt: epochMsJson,
  widgets: z.array(WidgetJson).describe('In display order')
})
export type DashboardJson = z.infer<typeof DashboardJson>
export const WidgetList = z.object({ widgets: z.array(WidgetJson) })
