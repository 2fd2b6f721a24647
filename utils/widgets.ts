// The dashboard builder's vocabulary and helpers, free of Vue (tests/unit/dashboard-builder.test.ts).

/** The widget types the server accepts (server/admin/dashboard-schemas.ts) and components/widget/* draw. */
export const WIDGET_TYPES = ['gauge', 'line', 'area', 'number', 'kpi', 'lamp', 'table', 'bar'] as const
export type WidgetType = typeof WIDGET_TYPES[number]

/** What POST /api/admin/dashboards/:id/widgets takes (seed 000's snake_case fields). */
export interface WidgetInput {
  widget_key: string
  type: WidgetType
  label: string
  metric_id: string
  unit: string | null
  data_type: string | null
  options: Record<string, unknown> | null
}

/** Options each type is set with, besides its metric and unit. */
export const TYPE_OPTIONS: Partial<Record<WidgetType, readonly ('min' | 'max')[]>> = { gauge: ['min', 'max'] }

/** A widget key from its label (lowercase words joined by dashes), not one of `taken`. */
export function widgetKeyFor(label: string, taken: Iterable<string>): string {
  const base = label.normalize('NFD').replace(/[\u0300-\u036F]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100) || 'widget'
  const used = new Set(taken)
  let key = base
  for (let n = 2; used.has(key); n++) key = `${base}-${n}`
  return key
}

/**
 * Field → message of a refused widget: a 422's `data.issues` (or its one `data.field`); a 409 for a
 * taken key is the widget_key field's.
 */
export function widgetFieldErrors(err: unknown): Record<string, string> {
  const body = (err as { data?: { message?: string, data?: { code?: string, field?: string, issues?: { field: string, message: string }[] } } }).data
  if (body?.data?.code === 'WIDGET_KEY_EXISTS') return { widget_key: body.message ?? '' }
  const out: Record<string, string> = {}
  for (const i of body?.data?.issues ?? []) out[i.field] ??= i.message
  if (!Object.keys(out).length && body?.data?.field) out[body.data.field] = body.message ?? ''
  return out
}
