/** Choices of the admin forms, read fresh when a form opens (a plant created a minute ago is there). */
export function useAdminOptions() {
  const api = useApi()

  /** The plants of a tenant (a platform admin names it; others get their own), as select options. */
  async function plants(tenant?: string | null): Promise<{ value: string, label: string }[]> {
    const page = await api<{ items: { site: string, name: string }[] }>('/api/plants', { query: { limit: 500, ...(tenant ? { tenant } : {}) } })
    return page.items.map(p => ({ value: p.site, label: `${p.name} (${p.site})` }))
  }

  /** Every tenant (platform admins only), as select options. */
  async function tenants(): Promise<{ value: string, label: string }[]> {
    const page = await api<{ items: { tenant: string, name: string }[] }>('/api/tenants', { query: { limit: 500 } })
    return page.items.map(t => ({ value: t.tenant, label: `${t.name} (${t.tenant})` }))
  }

  return { plants, tenants }
}
