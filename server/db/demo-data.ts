import type { SqlClient } from './client'

/** The demo tenant and plant of seed 000, plus a second tenant to show isolation. */
export const DEMO_PLANTS = [
  { tenant: 'granix', tenantName: 'Granix', province: 'ba', plant: 'planta-1', plantName: 'Planta 1' },
  // A second plant, so plant access can be shown: the demo operator sees planta-1 only.
  { tenant: 'granix', tenantName: 'Granix', province: 'ba', plant: 'planta-2', plantName: 'Planta 2' },
  { tenant: 'other', tenantName: 'Other Industries', province: 'cba', plant: 'planta-norte', plantName: 'Planta Norte' }
] as const

/** Creates a tenant and a plant if they do not exist (idempotent); returns their ids. */
export async function ensurePlant(sql: SqlClient, p: { tenant: string, tenantName: string, province: string, plant: string, plantName: string }) {
  const [tenant] = await sql.query<{ id: string }>(
    `insert into tenants (slug, name) values ($1, $2) on conflict (slug) do update set slug = excluded.slug returning id`,
    [p.tenant, p.tenantName])
  const [plant] = await sql.query<{ id: string }>(
    `insert into plants (tenant_id, province, slug, name) values ($1, $2, $3, $4)
     on conflict (tenant_id, slug) do update set slug = excluded.slug returning id`,
    [tenant!.id, p.province, p.plant, p.plantName])
  return { tenantId: tenant!.id, plantId: plant!.id }
}

/** Seeds the demo tenants and plants, and an alarm rule. */
export async function seedDemoData(sql: SqlClient): Promise<void> {
  for (const p of DEMO_PLANTS) await ensurePlant(sql, p)
  // An alarm rule, so the zero-config start shows alarms: the simulator's head temperature peaks
  // around 86 °C once a day, and drifts.
  await sql.query(`
    insert into alarm_rules (tenant_id, metric, name, max, deadband, min_duration_s, cooldown_s, severity)
    select t.id, 'temp_head', 'Head temperature high', 85, 1, 10, 60, 'high' from tenants t
    where t.slug = 'granix' and not exists (select 1 from alarm_rules r where r.tenant_id = t.id and r.name = 'Head temperature high')`)
}
