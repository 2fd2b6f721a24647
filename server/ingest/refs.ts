import type { SqlClient } from '../db/client'

/** A resolved plant: its ids, and the slugs the topic used (for logs and events). */
export interface PlantRef { tenantId: string, plantId: string, tenant: string, plant: string }

export interface CreatedRef { kind: 'plc' | 'gateway', ref: PlantRef, name: string }

/**
 * Resolves topic slugs to database ids, with an in-memory cache. Tenants and plants are never created
 * here (SPEC §3 rule 3); unknown PLCs and gateways are created `pending` (rule 4), once even when
 * several batches or instances race (insert … on conflict do nothing, then read).
 */
export class RefResolver {
  private tenants = new Map<string, string | null>()
  private plants = new Map<string, PlantRef | null>()
  private plcs = new Map<string, string>()
  private gateways = new Map<string, string>()
  // Misses are remembered briefly so a flood for an unknown tenant does not hit the database each time.
  private missesAt = new Map<string, number>()

  constructor(
    private sql: SqlClient,
    /** Told about every PLC or gateway this resolver created, for the log. */
    private onCreated?: (created: CreatedRef) => void,
    private missTtlMs = 5000,
    private now = () => Date.now()
  ) {}

  /** The plant a topic names, or why it cannot be resolved. */
  async plant(tenant: string, province: string, plant: string): Promise<PlantRef | 'unknown_tenant' | 'unknown_plant'> {
    const tenantId = await this.tenantId(tenant)
    if (!tenantId) return 'unknown_tenant'
    const key = `${tenantId}|${province}|${plant}`
    if (!this.isFresh(this.plants, key)) {
      const rows = await this.sql.query<{ id: string }>(
        'select id from plants where tenant_id = $1 and province = $2 and slug = $3', [tenantId, province, plant])
      this.remember(this.plants, key, rows[0] ? { tenantId, plantId: rows[0].id, tenant, plant } : null)
    }
    return this.plants.get(key) ?? 'unknown_plant'
  }

  /** The PLC's row id, creating it as `pending` when this is the first time it is seen. */
  async plcId(ref: PlantRef, plcId: string): Promise<string> {
    const key = `${ref.plantId}|${plcId}`
    const id = this.plcs.get(key) ?? await this.getOrCreate(
      `insert into plcs (tenant_id, plant_id, plc_id, status) values ($1, $2, $3, 'pending')
       on conflict (plant_id, plc_id) do nothing returning id`,
      'select id from plcs where plant_id = $2 and plc_id = $3',
      [ref.tenantId, ref.plantId, plcId], { kind: 'plc', ref, name: plcId })
    this.plcs.set(key, id)
    return id
  }

  /** The gateway's row id, creating it as `pending` when this is the first time it is seen. */
  async gatewayId(ref: PlantRef, thingName: string): Promise<string> {
    const key = `${ref.tenantId}|${thingName}`
    const id = this.gateways.get(key) ?? await this.getOrCreate(
      `insert into gateways (tenant_id, plant_id, thing_name, approval) values ($1, $2, $3, 'pending')
       on conflict (tenant_id, thing_name) do nothing returning id`,
      'select id from gateways where tenant_id = $1 and thing_name = $3',
      [ref.tenantId, ref.plantId, thingName], { kind: 'gateway', ref, name: thingName })
    this.gateways.set(key, id)
    return id
  }

  private async getOrCreate(insert: string, select: string, params: unknown[], created: CreatedRef): Promise<string> {
    const statement = `with created as (${insert}) select id, true as created from created union all select id, false from (${select}) s limit 1`
    // When another transaction inserted the row concurrently, ON CONFLICT waited for it but the
    // statement's snapshot predates it and finds nothing: run it again, now that it has committed.
    for (let attempt = 0; attempt < 3; attempt++) {
      const rows = await this.sql.query<{ id: string, created: boolean }>(statement, params)
      if (rows[0]?.created) this.onCreated?.(created)
      if (rows[0]) return rows[0].id
    }
    throw new Error(`could not create or find ${created.kind} "${created.name}"`)
  }

  /** Forget everything, e.g. after an admin created a tenant or plant. */
  invalidate(): void {
    this.tenants.clear()
    this.plants.clear()
    this.plcs.clear()
    this.gateways.clear()
    this.missesAt.clear()
  }

  /** The tenant's row id, or null when no such tenant exists. */
  async tenantId(slug: string): Promise<string | null> {
    if (!this.isFresh(this.tenants, slug)) {
      const rows = await this.sql.query<{ id: string }>('select id from tenants where slug = $1', [slug])
      this.remember(this.tenants, slug, rows[0]?.id ?? null)
    }
    return this.tenants.get(slug) ?? null
  }

  private isFresh<V>(map: Map<string, V | null>, key: string): boolean {
    if (!map.has(key)) return false
    if (map.get(key) !== null) return true
    return this.now() - (this.missesAt.get(key) ?? 0) < this.missTtlMs
  }

  private remember<V>(map: Map<string, V | null>, key: string, value: V | null): void {
    map.set(key, value)
    if (value === null) this.missesAt.set(key, this.now())
  }
}
