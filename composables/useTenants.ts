/** A row of GET /api/tenants. */
export interface Tenant { tenant: string, name: string, plants: number, users: number, createdAt: number }

/** Every tenant (platform admins only), a server page at a time; create, rename, delete. */
export function useTenants() {
  const api = useApi()
  const list = useCursorList<Tenant>('/api/tenants')
  const path = (t: Tenant) => `/api/tenants/${encodeURIComponent(t.tenant)}`

  async function create(input: { tenant: string, name: string }): Promise<Tenant> {
    const tenant = await api<Tenant>('/api/tenants', { method: 'POST', body: input })
    list.items.value = [tenant, ...list.items.value]
    return tenant
  }

  async function rename(tenant: Tenant, name: string): Promise<Tenant> {
    const renamed = await api<Tenant>(path(tenant), { method: 'PATCH', body: { name } })
    list.items.value = list.items.value.map(t => t.tenant === tenant.tenant ? renamed : t)
    return renamed
  }

  /** Deletes the tenant; one with plants only when `force` (everything it owns goes with it). */
  async function remove(tenant: Tenant, force: boolean): Promise<void> {
    await api<null>(path(tenant), { method: 'DELETE', query: force ? { force: 'true' } : {} })
    list.items.value = list.items.value.filter(t => t.tenant !== tenant.tenant)
  }

  void list.load()
  return { ...list, create, rename, remove }
}
