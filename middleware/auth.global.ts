/** Every page but the login page needs a signed-in user. */
export default defineNuxtRouteMiddleware((to) => {
  const user = useSessionUser()
  if (to.path === '/login') return user.value ? navigateTo(String(to.query.next ?? '/')) : undefined
  if (!user.value) return navigateTo({ path: '/login', query: to.fullPath === '/' ? {} : { next: to.fullPath } })
})
