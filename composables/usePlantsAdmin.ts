/** A row of GET /api/plants: the plant with how much hangs off it. */
export interface AdminPlant {
  site: string
  name: string
  province: string
  tenant: string
  gateways: number
  machines: number
  pendingMachines: number
  createdAt: number
}

export interface PlantCreate { tenant?: string, province: string, slug: string, name: string }
export interface PlantChange { name: string, province: string }

/**
 * The plants the caller may see, a server page at a time; create, rename (or correct the province)
 * and delete. A platform admin's writes name the plant's tenant (the same site may exist in several).
 */
export function usePlantsAdmin() {
  const api = useApi()
  const list = useCursorList<AdminPlant>('/api/plants')
  const path = (p: AdminPlant) => `/api/plants/${encodeURIComponent(p.site)}`
  const same = (a: AdminPlant, b: AdminPlant) => a.site === b.site && a.tenant === b.tenant
  const access = useAccessStore()
  const tenantOf = (p: AdminPlant) => access.access?.platformAdmin ? { tenant: p.tenant } : {}

  async function create(input: PlantCreate): Promise<AdminPlant> {
    const plant = await api<AdminPlant>('/api/plants', { method: 'POST', body: input })
    list.items.value = [plant, ...list.items.value]
    return plant
  }

  async function update(plant: AdminPlant, change: PlantChange): Promise<AdminPlant> {
    const updated = await api<AdminPlant>(path(plant), { method: 'PATCH', query: tenantOf(plant), body: change })
    list.items.value = list.items.value.map(p => same(p, plant) ? updated : p)
    return updated
  }

  /** Deletes the plant; with gateways or machines only when `force` (they and their data go with it). */
  async function remove(plant: AdminPlant, force: boolean): Promise<void> {
    await api<null>(path(plant), { method: 'DELETE', query: { ...tenantOf(plant), ...(force ? { force: 'true' } : {}) } })
    list.items.value = list.items.value.filter(p => !same(p, plant))
  }

  void list.load()
  return { ...list, create, update, remove }
}
