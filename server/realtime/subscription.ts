import type { AuthContext } from '../auth/types'
import { can, type Action } from '../auth/policy'
import type { PlantIds, SiteDirectory } from './site-directory'

/** What a client asks for, at connect (`?tenant=&site=&plcId=`) or in a subscribe message. */
export interface SiteFilter {
  /** Platform admins only: another tenant than their own. */
  tenant?: string
  site?: string
  plcId?: string
}

/** A filter resolved against the user's tenant and access. */
export interface Subscription {
  /** Identifies it among a connection's subscriptions, so subscribing twice is one subscription. */
  key: string
  /** The names it was resolved from, echoed back to the client. */
  tenant: string | null
  site: string | null
  plcId: string | null
  /** null: every tenant (a platform admin without `tenant=`). */
  tenantId: string | null
  /** null: every plant of the tenant that the user can see. */
  plantId: string | null
}

export type Resolution
  = | { ok: true, subscription: Subscription }
    | { ok: false, code: 'NOT_FOUND' | 'TENANT_REQUIRED', message: string }

/**
 * Resolves a filter for a user. Another tenant's site, a site outside the user's plant access and a
 * site that does not exist all give the same NOT_FOUND, so the answer reveals nothing about other
 * tenants.
 */
export async function resolveFilter(ctx: AuthContext, filter: SiteFilter, sites: SiteDirectory): Promise<Resolution> {
  const tenant = filter.tenant ?? ctx.tenantSlug
  if (!ctx.platformAdmin && (tenant === null || tenant !== ctx.tenantSlug)) return notFound(filter)
  if (tenant === null) {
    if (filter.site) return { ok: false, code: 'TENANT_REQUIRED', message: 'name the site\'s tenant with tenant=' }
    return resolved(filter, null, { tenantId: null, plantId: null })
  }
  if (!filter.site) {
    const tenantId = tenant === ctx.tenantSlug ? ctx.tenantId : await sites.tenantId(tenant)
    if (!tenantId || !can(ctx, 'telemetry:read', { tenantId })) return notFound(filter)
    return resolved(filter, tenant, { tenantId, plantId: null })
  }
  const ids = await sites.plant(tenant, filter.site)
  if (!ids || !can(ctx, 'telemetry:read', ids)) return notFound(filter)
  return resolved(filter, tenant, ids)
}

/** True when an event of this plant (and PLC, if it is a PLC's) falls under the subscription. */
export function covers(s: Subscription, plant: PlantIds, plcId: string | undefined): boolean {
  return (s.tenantId === null || s.tenantId === plant.tenantId)
    && (s.plantId === null || s.plantId === plant.plantId)
    // Plant-level events (gateway status) reach every subscription of the plant, PLC-narrowed or not.
    && (s.plcId === null || plcId === undefined || s.plcId === plcId)
}

/** The permission a user needs to receive an event of this type. */
export function readPermission(type: string): Action {
  if (type.startsWith('alarm')) return 'alarm:read'
  if (type.startsWith('gateway')) return 'gateway:read'
  return 'telemetry:read'
}

function resolved(filter: SiteFilter, tenant: string | null, ids: { tenantId: string | null, plantId: string | null }): Resolution {
  const plcId = filter.plcId ?? null
  const key = `${ids.tenantId ?? '*'}|${ids.plantId ?? '*'}|${plcId ?? '*'}`
  return { ok: true, subscription: { key, tenant, site: filter.site ?? null, plcId, ...ids } }
}

function notFound(filter: SiteFilter): Resolution {
  const what = filter.site ? `site "${filter.site}"` : `tenant "${filter.tenant ?? ''}"`
  return { ok: false, code: 'NOT_FOUND', message: `${what} not found` }
}
