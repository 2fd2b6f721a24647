export const ROLES = ['admin', 'manager', 'plant_operator', 'viewer'] as const
export type Role = typeof ROLES[number]

/**
 * Who is calling, as the users table says (SPEC §9): loaded once per verified token, never taken
 * from the token's own claims, so a role change or a removed user takes effect at once.
 */
export interface AuthContext {
  uid: string
  email: string
  /** Null only for a platform admin who belongs to no tenant. */
  tenantId: string | null
  tenantSlug: string | null
  role: Role
  /** Plant ids the user may see; `'all'` means every plant of the tenant. */
  plantAccess: 'all' | string[]
  /** Platform admins manage tenants and may act in every tenant. */
  platformAdmin: boolean
}

/** What a permission is checked against: a tenant, optionally narrowed to one plant. */
export interface Scope {
  tenantId: string
  plantId?: string
}
