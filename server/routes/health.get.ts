import { healthReport } from '../health-report'

/** Each part up/down, embedded/external and where; 503 while any part is down or still starting. */
export default defineEventHandler(async (event) => {
  const platform = peekPlatform()
  const report = await healthReport(platform)
  if (report.status !== 'ok') setResponseStatus(event, 503)
  return report
})
