import { appendAudit } from '../audit/append'
import type { SqlClient } from '../db/client'

export interface GatewayRegistration {
  tenant: string
  plant: string
  thingName: string
  name?: string
}

export interface RegisteredGateway {
  id: string
  tenantId: string
  plantId: string
  tenant: string
  province: string
  plant: string
  thingName: string
  /** False when the gateway was already registered on that plant (it is approved again). */
  created: boolean
}

export class RegistrationError extends Error {
  constructor(message: string, readonly code: 'TENANT_NOT_FOUND' | 'PLANT_NOT_FOUND' | 'GATEWAY_ON_OTHER_PLANT') {
    super(message)
  }
}

/**
 * Onboarding (seed 001 §12): the operator creates the gateway before it ever publishes, so it starts
 * approved (`active`) instead of waiting as `pending` like a gateway the ingest discovers. Tenant and
 * plant must exist: onboarding never creates them, as the ingest never does.
 */
export function registerGateway(sql: SqlClient, actor: string, r: GatewayRegistration): Promise<RegisteredGateway> {
  return sql.transaction(async (tx) => {
    const [plant] = await tx.query<{ tenantId: string, plantId: string, province: string }>(
      `select t.id as "tenantId", p.id as "plantId", p.province from tenants t join plants p on p.tenant_id = t.id
       where t.slug = $1 and p.slug = $2`, [r.tenant, r.plant])
    if (!plant) {
      const [tenant] = await tx.query('select 1 from tenants where slug = $1', [r.tenant])
      throw tenant
        ? new RegistrationError(`plant "${r.plant}" not found in tenant "${r.tenant}"`, 'PLANT_NOT_FOUND')
        : new RegistrationError(`tenant "${r.tenant}" not found`, 'TENANT_NOT_FOUND')
    }
    const [existing] = await tx.query<{ id: string, plantId: string, approval: string, name: string | null }>(
      `select id, plant_id as "plantId", approval, name from gateways where tenant_id = $1 and thing_name = $2`, [plant.tenantId, r.thingName])
    if (existing && existing.plantId !== plant.plantId) {
      throw new RegistrationError(`gateway "${r.thingName}" is registered on another plant of "${r.tenant}"`, 'GATEWAY_ON_OTHER_PLANT')
    }
    const [row] = await tx.query<{ id: string }>(
      `insert into gateways (tenant_id, plant_id, thing_name, name, approval) values ($1, $2, $3, $4, 'active')
       on conflict (tenant_id, thing_name) do update set approval = 'active', name = coalesce(excluded.name, gateways.name)
       returning id`, [plant.tenantId, plant.plantId, r.thingName, r.name ?? null])
    const after = { tenant: r.tenant, site: r.plant, gatewayId: r.thingName, name: r.name ?? existing?.name ?? null, approval: 'active' }
    await appendAudit(tx, {
      tenantId: plant.tenantId, actor, action: existing ? 'gateway.approve' : 'gateway.register', entity: 'gateway', entityId: row!.id,
      before: existing ? { ...after, name: existing.name, approval: existing.approval } : undefined, after
    })
    return { id: row!.id, tenantId: plant.tenantId, plantId: plant.plantId, tenant: r.tenant, province: plant.province, plant: r.plant, thingName: r.thingName, created: !existing }
  })
}
