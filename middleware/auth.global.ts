/** Every page but the login page needs a signed-in user, whose access is loaded before the page. */
export default defineNuxtRouteMiddleware(async (to) => {
  const user = useSessionUser()
  if (to.path === '/login') return user.value ? navigateTo(String(to.query.next ?? '/')) : undefined
  if (!user.value) return navigateTo({ path: '/login', query: to.fullPath === '/' ? {} : { next: to.fullPath } })
  // A failure is kept in the store and shown by the layout, with a retry.
  await useAccessStore().load()
})
