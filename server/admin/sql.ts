import type { PageKey } from './page'
import type { ReadScope } from '../queries/scope'

/** A PostgreSQL array literal of text values (quoted, so commas and quotes inside stay values). */
export function pgArray(values: readonly string[]): string {
  return `{${values.map(v => `"${v.replace(/["\\]/g, c => `\\${c}`)}"`).join(',')}}`
}

/**
 * The caller's read scope as SQL conditions: their tenant, their plants (for plant-owned rows) and a
 * platform admin's `?tenant=` slug. `p` adds a parameter and returns its placeholder.
 */
export function scopeClauses(scope: ReadScope, p: (value: unknown) => string, cols: { tenantId: string, tenantSlug: string, plantId?: string }): string[] {
  const out: string[] = []
  if (scope.tenantId) out.push(`${cols.tenantId} = ${p(scope.tenantId)}`)
  if (scope.plantIds && cols.plantId) out.push(`${cols.plantId} = any(${p(pgArray(scope.plantIds))}::uuid[])`)
  if (scope.tenant) out.push(`${cols.tenantSlug} = ${p(scope.tenant)}`)
  return out
}

/** "After the cursor" in a list ordered by `columns`, all ascending (or all descending). */
export function afterKey(columns: string[], after: PageKey | undefined, p: (value: unknown) => string, descending = false): string[] {
  if (!after) return []
  return [`(${columns.join(', ')}) ${descending ? '<' : '>'} (${after.map(v => p(v)).join(', ')})`]
}

/** `where` for conditions that may be none. */
export const whereAll = (conditions: string[]) => (conditions.length ? `where ${conditions.join(' and ')}` : '')
