import { appendAudit } from '../audit/append'
import type { SqlClient } from '../db/client'
import type { ReadScope } from '../queries/scope'
import { epochMs, sqlParams } from '../queries/sql'
import type { DashboardJson, WidgetJson } from './dashboard-schemas'
import { pgArray, scopeClauses, whereAll } from './sql'

/** The ids a dashboard's permission checks and writes need. */
export interface DashboardRef {
  id: string
  tenantId: string
  plantId: string
}

export interface WidgetInput {
  widget_key: string
  type: string
  label: string
  metric_id: string
  unit?: string | null
  data_type?: string | null
  options?: Record<string, unknown> | null
}

const SELECT_DASHBOARD = `select d.id, t.slug as tenant, p.slug as site, c.plc_id as "plcId", d.name, d.icon_url as "iconUrl",
    ${epochMs('d.created_at')} as "createdAt", ${epochMs('d.updated_at')} as "updatedAt"
  from dashboards d join plcs c on c.id = d.plc_id join plants p on p.id = c.plant_id join tenants t on t.id = d.tenant_id`

const WIDGET_COLUMNS = 'id, widget_key, type, label, metric_id, unit, data_type, position, options'
// Ties (two widgets added at once) keep the order they were added in.
const WIDGET_ORDER = 'order by position, created_at, id'

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505'

function listWidgets(sql: SqlClient, dashboardId: string): Promise<WidgetJson[]> {
  return sql.query<WidgetJson>(`select ${WIDGET_COLUMNS} from widgets where dashboard_id = $1 ${WIDGET_ORDER}`, [dashboardId])
}

async function loadDashboard(sql: SqlClient, where: string, id: string): Promise<DashboardJson | undefined> {
  const [row] = await sql.query<Omit<DashboardJson, 'widgets'>>(`${SELECT_DASHBOARD} where ${where} = $1`, [id])
  return row && { ...row, widgets: await listWidgets(sql, row.id) }
}

/** A dashboard with its widgets in display order. */
export async function getDashboard(sql: SqlClient, id: string): Promise<DashboardJson> {
  return (await loadDashboard(sql, 'd.id', id))!
}

/** The dashboard of a PLC (by its row id), if it has one. */
export function getPlcDashboard(sql: SqlClient, plcRowId: string): Promise<DashboardJson | undefined> {
  return loadDashboard(sql, 'd.plc_id', plcRowId)
}

/** A dashboard in the caller's scope (its PLC's tenant and plant); undefined otherwise, as if it did not exist. */
export async function findDashboard(sql: SqlClient, scope: ReadScope, id: string): Promise<DashboardRef | undefined> {
  const { p, values } = sqlParams()
  const where = [`d.id = ${p(id)}`, ...scopeClauses(scope, p, { tenantId: 'd.tenant_id', tenantSlug: 't.slug', plantId: 'c.plant_id' })]
  const [row] = await sql.query<DashboardRef>(
    `select d.id, d.tenant_id as "tenantId", c.plant_id as "plantId"
     from dashboards d join plcs c on c.id = d.plc_id join tenants t on t.id = d.tenant_id ${whereAll(where)}`, values)
  return row
}

/** Records a change of a dashboard or one of its widgets on its tenant's chain. */
function audit(tx: SqlClient, actor: string, d: { tenantId: string }, action: string, entity: 'dashboard' | 'widget', entityId: string, before?: unknown, after?: unknown) {
  return appendAudit(tx, { tenantId: d.tenantId, actor, action, entity, entityId, before, after })
}

// The dashboard's own fields (its widgets are audited one by one).
const dashboardFields = ({ widgets: _widgets, updatedAt: _updatedAt, ...d }: DashboardJson) => d

/** Creates the empty dashboard of a PLC; undefined when it has one already (one per PLC, seed 000). */
export function createDashboard(sql: SqlClient, actor: string, plc: { id: string, tenantId: string }, d: { name: string, iconUrl?: string }): Promise<DashboardJson | undefined> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into dashboards (tenant_id, plc_id, name, icon_url) values ($1, $2, $3, $4)
       on conflict on constraint dashboards_plc do nothing returning id`, [plc.tenantId, plc.id, d.name, d.iconUrl ?? null])
    if (!row) return undefined
    const created = await getDashboard(tx, row.id)
    await audit(tx, actor, plc, 'dashboard.create', 'dashboard', row.id, undefined, dashboardFields(created))
    return created
  })
}

/** Renames a dashboard and/or sets its icon (null removes it). */
export function updateDashboard(sql: SqlClient, actor: string, dashboard: DashboardRef, change: { name?: string, iconUrl?: string | null }): Promise<DashboardJson> {
  return sql.transaction(async (tx) => {
    const before = await getDashboard(tx, dashboard.id)
    await tx.query(
      `update dashboards set name = coalesce($2, name), icon_url = case when $3 then $4 else icon_url end, updated_at = now() where id = $1`,
      [dashboard.id, change.name ?? null, change.iconUrl !== undefined, change.iconUrl ?? null])
    const after = await getDashboard(tx, dashboard.id)
    await audit(tx, actor, dashboard, 'dashboard.update', 'dashboard', dashboard.id, dashboardFields(before), dashboardFields(after))
    return after
  })
}

/** Deletes a dashboard with its widgets (the entry keeps them all, as they were). */
export function deleteDashboard(sql: SqlClient, actor: string, dashboard: DashboardRef): Promise<void> {
  return sql.transaction(async (tx) => {
    const before = await getDashboard(tx, dashboard.id)
    await tx.query('delete from dashboards where id = $1', [dashboard.id])
    await audit(tx, actor, dashboard, 'dashboard.delete', 'dashboard', dashboard.id, before)
  })
}

const touch = (sql: SqlClient, dashboardId: string) => sql.query('update dashboards set updated_at = now() where id = $1', [dashboardId])

/** Adds a widget at the end of a dashboard; undefined when the dashboard has this widget_key already. */
export function addWidget(sql: SqlClient, actor: string, dashboard: DashboardRef, w: WidgetInput): Promise<WidgetJson | undefined> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<WidgetJson>(
      `insert into widgets (tenant_id, dashboard_id, widget_key, type, label, metric_id, unit, data_type, options, position)
       select $1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9::text::jsonb, coalesce(max(position) + 1, 0) from widgets where dashboard_id = $2
       on conflict on constraint widgets_dashboard_key do nothing returning ${WIDGET_COLUMNS}`,
      [dashboard.tenantId, dashboard.id, w.widget_key, w.type, w.label, w.metric_id, w.unit ?? null, w.data_type ?? null, w.options ? JSON.stringify(w.options) : null])
    if (!row) return undefined
    await touch(tx, dashboard.id)
    await audit(tx, actor, dashboard, 'widget.create', 'widget', row.id, undefined, { dashboardId: dashboard.id, ...row })
    return row
  })
}

const WIDGET_FIELDS = ['widget_key', 'type', 'label', 'metric_id', 'unit', 'data_type', 'options'] as const

/** Changes the fields given (null clears unit, data_type, options); 'duplicate_key' if widget_key is taken. */
export async function updateWidget(sql: SqlClient, actor: string, dashboard: DashboardRef, widgetId: string, change: Partial<WidgetInput>): Promise<WidgetJson | 'not_found' | 'duplicate_key'> {
  const { p, values } = sqlParams()
  const set = WIDGET_FIELDS.filter(f => change[f] !== undefined).map((f) => {
    if (f !== 'options') return `${f} = ${p(change[f])}`
    return `options = ${p(change.options ? JSON.stringify(change.options) : null)}::text::jsonb`
  })
  try {
    // The unique violation aborts the transaction: it is caught out here, after the rollback.
    return await sql.transaction(async (tx) => {
      const [before] = await tx.query<WidgetJson>(`select ${WIDGET_COLUMNS} from widgets where dashboard_id = $1 and id = $2`, [dashboard.id, widgetId])
      if (!before) return 'not_found' as const
      const [row] = await tx.query<WidgetJson>(
        `update widgets set ${set.join(', ')} where dashboard_id = ${p(dashboard.id)} and id = ${p(widgetId)} returning ${WIDGET_COLUMNS}`, values)
      await touch(tx, dashboard.id)
      await audit(tx, actor, dashboard, 'widget.update', 'widget', widgetId, before, row)
      return row!
    })
  } catch (err) {
    if (isUniqueViolation(err)) return 'duplicate_key'
    throw err
  }
}

/** Removes a widget; false if the dashboard has no such widget. */
export function deleteWidget(sql: SqlClient, actor: string, dashboard: DashboardRef, widgetId: string): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const [before] = await tx.query<WidgetJson>(`delete from widgets where dashboard_id = $1 and id = $2 returning ${WIDGET_COLUMNS}`, [dashboard.id, widgetId])
    if (!before) return false
    await touch(tx, dashboard.id)
    await audit(tx, actor, dashboard, 'widget.delete', 'widget', widgetId, before)
    return true
  })
}

const widgetOrder = (widgets: { id: string, widget_key: string }[]) => widgets.map(w => w.widget_key)

/**
 * Puts the widgets named (by id or by widget_key) first, in that order, and the rest after them in
 * their current order; positions become 0…n-1. `unknown` lists names that are no widget of this dashboard.
 */
export function reorderWidgets(sql: SqlClient, actor: string, dashboard: DashboardRef, order: { by: 'id' | 'widget_key', names: string[] }): Promise<{ widgets: WidgetJson[] } | { unknown: string[] }> {
  const dashboardId = dashboard.id
  return sql.transaction(async (tx) => {
    const current = await tx.query<{ id: string, widget_key: string }>(`select id, widget_key from widgets where dashboard_id = $1 ${WIDGET_ORDER} for update`, [dashboardId])
    const idOf = new Map(current.map(w => [order.by === 'id' ? w.id : w.widget_key, w.id]))
    const unknown = order.names.filter(n => !idOf.has(n))
    if (unknown.length) return { unknown }
    const named = order.names.map(n => idOf.get(n)!)
    const ids = [...named, ...current.map(w => w.id).filter(id => !named.includes(id))]
    await tx.query(
      `update widgets w set position = o.ord - 1 from unnest($2::uuid[]) with ordinality as o(id, ord)
       where w.dashboard_id = $1 and w.id = o.id`, [dashboardId, pgArray(ids)])
    await touch(tx, dashboardId)
    const widgets = await listWidgets(tx, dashboardId)
    await audit(tx, actor, dashboard, 'dashboard.reorder', 'dashboard', dashboardId, { widgetKeys: widgetOrder(current) }, { widgetKeys: widgetOrder(widgets) })
    return { widgets }
  })
}
