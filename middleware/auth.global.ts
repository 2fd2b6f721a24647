/**
 * Every page but the login page needs a signed-in user, whose access is loaded before the page.
 * A page that names a permission (`definePageMeta({ permission })`) is only opened for users the
 * server granted it; the API refuses the others anyway, this only spares them a page of errors.
 */
export default defineNuxtRouteMiddleware(async (to) => {
  const user = useSessionUser()
  if (to.path === '/login') return user.value ? navigateTo(String(to.query.next ?? '/')) : undefined
  if (!user.value) return navigateTo({ path: '/login', query: to.fullPath === '/' ? {} : { next: to.fullPath } })
  const access = useAccessStore()
  // A failure is kept in the store and shown by the layout, with a retry.
  await access.load()
  const permission = to.meta.permission
  if (permission && access.access && !access.can(permission)) return navigateTo('/')
})
