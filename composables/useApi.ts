/**
 * `$fetch` for the platform's API with the user's ID token on every call. A 401 means the session
 * ended (the account was removed or the token revoked): back to the login page.
 */
export function useApi() {
  const { token } = useSession()
  return $fetch.create({
    async onRequest({ options }) {
      const t = await token()
      if (t) options.headers.set('authorization', `Bearer ${t}`)
    },
    async onResponseError({ response }) {
      if (response.status === 401) await navigateTo({ path: '/login', query: { next: useRoute().fullPath } })
    }
  })
}

/** The server's own message of a failed call (`{statusCode, message}`), else the error's. */
export function apiErrorMessage(err: unknown): string {
  const e = err as { data?: { message?: unknown }, message?: string }
  return typeof e.data?.message === 'string' ? e.data.message : e.message ?? String(err)
}

/** Field → message of a refused request (422 `data.issues`, or the one `data.field` a 404/409/422 names), for the form. */
export function fieldErrors(err: unknown): Record<string, string> {
  const body = (err as { data?: { message?: string, data?: { field?: string, issues?: { field: string, message: string }[] } } }).data
  const out: Record<string, string> = {}
  for (const i of body?.data?.issues ?? []) out[i.field] ??= i.message
  if (!Object.keys(out).length && body?.data?.field) out[body.data.field] = body.message ?? ''
  return out
}
