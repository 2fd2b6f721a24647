import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { expect, idToken, signIn, test } from './support'

const SITE = 'planta-1'
const PLC = 'machine-1-1'

test.describe('PLC history', () => {
  test.beforeAll(async ({ request }) => {
    // The simulator feeds the PLC; the page offers the metrics the PLC has reported.
    const headers = { authorization: `Bearer ${await idToken(request, 'operator@demo.local')}` }
    await expect.poll(async () => {
      const res = await request.get(`/api/plcs/${SITE}/${PLC}/state`, { headers })
      return res.ok() ? Object.keys((await res.json() as { metrics: object }).metrics).length : 0
    }, { timeout: 20_000 }).toBeGreaterThan(0)
  })

  test('opens from the dashboard, charts the range with its stats, and downloads it as CSV', async ({ page }) => {
    await signIn(page, 'operator@demo.local')
    await page.goto(`/plants/${SITE}/${PLC}`)
    await page.getByTestId('history-link').click()
    await expect(page).toHaveURL(`/plants/${SITE}/${PLC}/history`)
    await expect(page.getByRole('heading', { name: /History/ })).toBeVisible()

    await expect(page.getByTestId('history-chart').locator('canvas')).toHaveCount(1)
    const stats = page.getByTestId('history-stats')
    // Header row plus one row per chosen metric.
    await expect(stats.getByRole('row')).not.toHaveCount(1)
    const rows = await stats.locator('tbody tr').count()
    expect(rows).toBeGreaterThan(0)
    const shown = (await stats.locator('tbody tr td:first-child').allTextContents()).map(s => s.trim())

    // A preset asks the server for the new range, stats included.
    const asked = page.waitForResponse(r => new URL(r.url()).pathname === `/api/telemetry/${SITE}/${PLC}/stats` && r.ok())
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '1 h' }).click()
    await asked

    const downloading = page.waitForEvent('download')
    await page.getByTestId('history-csv').click()
    const download = await downloading
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${SITE}_${PLC}_raw_\\d{8}T\\d{6}Z_\\d{8}T\\d{6}Z\\.csv$`))
    const csv = parse(readFileSync(await download.path(), 'utf8')) as string[][]
    expect(csv[0]).toEqual(['ts', 'metric', 'value', 'quality', 'unit'])
    expect(csv.length).toBeGreaterThan(1)
    expect(new Set(csv.slice(1).map(r => r[1]))).toEqual(new Set(shown))
  })
})
