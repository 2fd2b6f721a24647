import { gzipSync } from 'node:zlib'
import type { APIRequestContext } from '@playwright/test'
import { expect, idToken, platform, publish, screenshot, signIn, test } from './support'

const SITE = 'planta-1'
const PLC = 'machine-1-1'

// One widget of each type on the simulator's metrics, plus two the test itself feeds (or never feeds).
const WIDGETS = [
  { widget_key: 'temp', type: 'gauge', label: 'Head temperature', metric_id: 'temp_head', unit: '°C', options: { min: 0, max: 120 } },
  { widget_key: 'level', type: 'number', label: 'E2E level', metric_id: 'e2e_level', unit: 'bar' },
  { widget_key: 'pressure', type: 'line', label: 'Pressure', metric_id: 'pressure', unit: 'bar' },
  { widget_key: 'power', type: 'area', label: 'Power', metric_id: 'power', unit: 'kW' },
  { widget_key: 'speed', type: 'kpi', label: 'Speed', metric_id: 'speed', unit: 'rpm' },
  { widget_key: 'running', type: 'lamp', label: 'Running', metric_id: 'running' },
  { widget_key: 'never', type: 'lamp', label: 'Never reported', metric_id: 'e2e_never' },
  { widget_key: 'temps', type: 'table', label: 'Recent temperatures', metric_id: 'temp_head', unit: '°C' },
  { widget_key: 'power-bars', type: 'bar', label: 'Power by period', metric_id: 'power', unit: 'kW' }
]

/** Builds the dashboard as an admin would, through the real admin API. */
async function buildDashboard(request: APIRequestContext): Promise<void> {
  const headers = { authorization: `Bearer ${await idToken(request, 'admin@demo.local')}` }
  const created = await request.post(`/api/admin/plcs/${PLC}/dashboard`, { headers, data: { site: SITE, name: 'Press 1' } })
  // 409: built already, by this file's first worker (a worker that failed a test is replaced).
  if (created.status() === 409) return
  expect(created.status()).toBe(201)
  const { id } = await created.json() as { id: string }
  for (const w of WIDGETS) {
    const res = await request.post(`/api/admin/dashboards/${id}/widgets`, { headers, data: w })
    expect(res.status(), await res.text()).toBe(201)
  }
}

test.describe('PLC dashboard', () => {
  test.beforeAll(async ({ request }) => {
    await buildDashboard(request)
  })

  test('renders every widget type, and a value published over MQTT appears within 2 s', async ({ page, request }, testInfo) => {
    const { brokerUrl } = await platform(request)
    await signIn(page, 'operator@demo.local')
    await page.getByRole('link', { name: `Open dashboard of ${PLC}` }).click()
    await expect(page).toHaveURL(`/plants/${SITE}/${PLC}`)
    await expect(page.getByTestId('live')).toHaveText('Live')
    for (const w of WIDGETS) await expect(page.getByTestId(`widget-${w.widget_key}`)).toBeVisible()
    // ECharts draws on canvas: one per chart widget.
    for (const key of ['temp', 'pressure', 'power', 'power-bars']) await expect(page.getByTestId(`widget-${key}`).locator('canvas')).toHaveCount(1)
    // The simulator stops and starts its machines now and then: the lamp shows whichever it is.
    await expect(page.getByTestId('widget-running')).toContainText(/On|Off/)
    await expect(page.getByTestId('widget-temps').getByRole('row')).not.toHaveCount(1, { timeout: 10_000 })

    const level = page.getByTestId('widget-level')
    await expect(level).toHaveAttribute('data-stale', 'true')
    // Integer hundredths divided once: the double prints as written (40 + 8.52 would print 48.519999999999996).
    const value = (4_000 + Math.floor(Math.random() * 1_000)) / 100
    // Shape B, as a seed-001 machine sends it; a seq the simulator does not use.
    const published = Date.now()
    await publish(brokerUrl, `factory/granix/ba/${SITE}/${PLC}/telemetry`, { schemaVersion: 1, timestamp: published, seq: published, values: { e2e_level: value } })
    await expect(level.getByTestId('widget-value')).toHaveText(`${value} bar`, { timeout: 2_000 })
    testInfo.annotations.push({ type: 'mqtt→widget', description: `${Date.now() - published} ms (upper bound)` })
    await expect(level).toHaveAttribute('data-stale', 'false')
    // A metric that never reported keeps the stale look.
    await expect(page.getByTestId('widget-never')).toHaveAttribute('data-stale', 'true')
    await expect(page.getByTestId('widget-never')).toContainText('No data')
    await screenshot(page, testInfo, 'dashboard')
  })

  test('the time-range picker asks the server for downsampled history', async ({ page }) => {
    await signIn(page, 'operator@demo.local')
    await page.goto(`/plants/${SITE}/${PLC}`)
    await expect(page.getByTestId('widget-pressure')).toBeVisible()
    // The page's own first request (the default 1 h) may still be in flight: wait for the 24 h one.
    const span = (u: URL) => Number(u.searchParams.get('to')) - Number(u.searchParams.get('from'))
    const asked = page.waitForResponse((r) => {
      const u = new URL(r.url())
      return u.pathname === `/api/telemetry/${SITE}/${PLC}` && u.searchParams.get('bucket') === 'auto' && span(u) === 24 * 3_600_000
    })
    const day = page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '24 h' })
    await day.click()
    const res = await asked
    await expect(day).toHaveAttribute('aria-pressed', 'true')
    expect(res.status()).toBe(200)
    const url = new URL(res.url())
    expect(url.searchParams.getAll('metric').sort()).toEqual(['power', 'pressure', 'speed', 'temp_head'])
  })

  test('an admin is offered to create a dashboard for a PLC without one', async ({ page }) => {
    await signIn(page, 'admin@demo.local')
    await page.goto(`/plants/${SITE}/machine-1-2`)
    await expect(page.getByText('This PLC has no dashboard yet.')).toBeVisible()
    await page.getByRole('button', { name: 'Create dashboard' }).click()
    await expect(page.getByText('Dashboard created')).toBeVisible()
    await expect(page.getByText('This dashboard has no widgets yet.')).toBeVisible()
  })
  test('the dashboard route loads less than 600 KB of gzipped JavaScript', async ({ page }, testInfo) => {
    await signIn(page, 'operator@demo.local')
    // A page of its own, so no chunk of the overview (still prefetching) is counted, and the
    // bodies are fetched again afterwards: the browser forgets a body once its document is left.
    const dashboard = await page.context().newPage()
    const scripts = new Set<string>()
    dashboard.on('response', (r) => {
      if (r.request().resourceType() === 'script') scripts.add(r.url())
    })
    // A full load of the route: the entry, the page and its chart components.
    await dashboard.goto(`/plants/${SITE}/${PLC}`)
    await expect(dashboard.getByTestId('widget-pressure').locator('canvas')).toHaveCount(1, { timeout: 15_000 })
    const bodies = await Promise.all([...scripts].map(url => dashboard.request.get(url).then(r => r.body())))
    const sizes = bodies.map(b => gzipSync(b).length)
    const total = sizes.reduce((a, b) => a + b, 0)
    testInfo.annotations.push({ type: 'dashboard JS', description: `${Math.round(total / 1024)} KB gzip in ${sizes.length} files` })
    expect(total).toBeLessThan(600 * 1024)
  })
})
