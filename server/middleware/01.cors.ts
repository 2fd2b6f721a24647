/**
 * Cross-origin API calls are refused unless CORS_ORIGINS lists the origin (the UI itself is same
 * origin and needs none). Preflight requests end here, before authentication.
 */
export default defineEventHandler(async (event) => {
  if (!event.path.startsWith('/api/')) return
  const origins = (await usePlatform()).config.http.corsOrigins
  if (!origins.length) return
  const done = handleCors(event, {
    origin: origins,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['authorization', 'content-type'],
    maxAge: '600'
  })
  if (done) return null
})
