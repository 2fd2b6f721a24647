import type { SqlClient } from '../db/client'
import type { PersistMode } from '../config/env'

export interface PersistRule {
  plantId: string | null
  plcId: string | null
  metric: string | null
  mode: PersistMode
}

export interface PersistScope { plantId: string, plcId: string, metric: string }

// Most specific wins (SPEC §5): a metric rule beats a PLC rule, which beats a plant rule, which beats
// the tenant-wide rule.
const specificity = (r: PersistRule) => (r.metric ? 4 : 0) + (r.plcId ? 2 : 0) + (r.plantId ? 1 : 0)

/** The persistence mode for one value: the most specific matching rule, else the default. */
export function resolvePersistMode(rules: readonly PersistRule[], scope: PersistScope, fallback: PersistMode): PersistMode {
  let best: PersistRule | undefined
  for (const r of rules) {
    if (r.plantId && r.plantId !== scope.plantId) continue
    if (r.plcId && r.plcId !== scope.plcId) continue
    if (r.metric && r.metric !== scope.metric) continue
    if (!best || specificity(r) > specificity(best)) best = r
  }
  return best?.mode ?? fallback
}

/**
 * Persistence rules per tenant, cached. `invalidate()` is called when rules change (locally or, through
 * the bus, on another instance); a TTL bounds staleness if an invalidation is ever missed.
 */
export class PersistRuleCache {
  private byTenant = new Map<string, { rules: PersistRule[], loadedAt: number }>()

  constructor(private sql: SqlClient, private ttlMs = 30_000, private now = () => Date.now()) {}

  async rulesFor(tenantId: string): Promise<PersistRule[]> {
    const hit = this.byTenant.get(tenantId)
    if (hit && this.now() - hit.loadedAt < this.ttlMs) return hit.rules
    const rules = await this.sql.query<PersistRule>(
      `select plant_id as "plantId", plc_id as "plcId", metric, mode from persist_rules where tenant_id = $1`, [tenantId])
    this.byTenant.set(tenantId, { rules, loadedAt: this.now() })
    return rules
  }

  invalidate(tenantId?: string): void {
    if (tenantId) this.byTenant.delete(tenantId)
    else this.byTenant.clear()
  }
}
