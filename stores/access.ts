import { defineStore } from 'pinia'

export interface Site { site: string, name: string, province: string, tenant: string }

/** GET /api/admin/access: who the signed-in user is to the platform. */
export interface Access {
  uid: string
  email: string
  tenant: string | null
  role: string | null
  platformAdmin: boolean
  allPlants: boolean
  sites: Site[]
  permissions: string[]
}

/**
 * The signed-in user's access, loaded once per session. The UI shows or hides things by the
 * `permissions` the server grants; it never works them out from the role itself.
 */
export const useAccessStore = defineStore('access', () => {
  const access = ref<Access | null>(null)
  const error = ref<string | null>(null)
  let loading: Promise<void> | undefined

  function load(): Promise<void> {
    const api = useApi()
    loading ??= api<Access>('/api/admin/access')
      .then((a) => {
        access.value = a
        error.value = null
      })
      .catch((err: unknown) => {
        error.value = apiErrorMessage(err)
        // A failed load may be retried.
        loading = undefined
      })
    return loading
  }

  function reset(): void {
    access.value = null
    error.value = null
    loading = undefined
  }

  /** Loads the access again (sites were added or removed), keeping the current one meanwhile. */
  function refresh(): Promise<void> {
    loading = undefined
    return load()
  }

  const can = (permission: string) => access.value?.permissions.includes(permission) ?? false

  return { access, error, load, refresh, reset, can }
})
