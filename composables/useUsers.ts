/** The roles a user can have in a tenant (server/auth/types.ts); what each may do is the server's. */
export const USER_ROLES = ['admin', 'manager', 'plant_operator', 'viewer'] as const
export type UserRole = typeof USER_ROLES[number]

/** A row of GET /api/users. */
export interface User {
  id: string
  email: string
  tenant: string | null
  role: UserRole
  /** Site slugs, or every plant of the tenant (now and later). */
  plants: 'all' | string[]
  platformAdmin: boolean
  createdAt: number
}

export interface UserCreate { tenant?: string, email: string, role: UserRole, plants: 'all' | string[], password?: string }
export interface UserChange { role: UserRole, plants: 'all' | string[] }

export interface UserFilter { q: string, role: UserRole | null, tenant: string | null }

/** The users the caller manages, a server page at a time (by email), searched and filtered on the server; create, change, remove. */
export function useUsers(filter: Ref<UserFilter>) {
  const api = useApi()
  const list = useCursorList<User>('/api/users', () => ({
    q: filter.value.q.trim() || undefined, role: filter.value.role ?? undefined, tenant: filter.value.tenant ?? undefined
  }))
  watch(filter, list.load, { deep: true })

  /** Creates the user; the answer's link lets them set a password when none was given. Throws the server's error. */
  async function create(input: UserCreate): Promise<{ user: User, passwordResetLink: string | null }> {
    const created = await api<{ user: User, passwordResetLink: string | null }>('/api/users', { method: 'POST', body: input })
    list.items.value = [created.user, ...list.items.value]
    return created
  }

  async function update(user: User, change: UserChange): Promise<User> {
    // An admin sees every plant: the server refuses a list for one.
    const body = change.role === 'admin' ? { role: change.role, plants: 'all' } : change
    const updated = await api<User>(`/api/users/${user.id}`, { method: 'PATCH', body })
    list.items.value = list.items.value.map(u => u.id === user.id ? updated : u)
    return updated
  }

  async function remove(user: User): Promise<void> {
    await api<null>(`/api/users/${user.id}`, { method: 'DELETE' })
    list.items.value = list.items.value.filter(u => u.id !== user.id)
  }

  void list.load()
  return { ...list, create, update, remove }
}
