import type { Page } from '@playwright/test'
import { expect, idToken, platform, publish, screenshot, signIn, test } from './support'

// A simulator PLC no other spec builds a dashboard for.
const SITE = 'planta-1'
const PLC = 'plc-05'
const TOPIC = `factory/granix/ba/${SITE}/${PLC}/telemetry`
const METRIC = 'e2e_builder_level'

// One dashboard, built by the first test and used by the next ones.
test.describe.configure({ mode: 'serial' })

/** The widget keys in the order the page shows them (edit mode tiles, else the dashboard's cards). */
const order = (page: Page, what: 'tile' | 'widget') =>
  page.locator(what === 'tile' ? '[data-testid^="tile-"]' : 'article[data-testid^="widget-"]')
    .evaluateAll((els, prefix) => els.map(e => e.getAttribute('data-testid')!.slice(prefix.length)), `${what}-`)

/** Integer hundredths divided once, so the number prints as written. */
const randomLevel = () => (4_000 + Math.floor(Math.random() * 1_000)) / 100

async function pickMetric(page: Page, metric: string): Promise<void> {
  await page.getByTestId('builder-metric').click()
  await page.getByRole('option', { name: new RegExp(`^${metric}`) }).click()
}

async function addWidget(page: Page, w: { type: string, label: string, metric: string, unit?: string }): Promise<void> {
  await page.getByRole('toolbar', { name: 'Dashboard builder' }).getByRole('button', { name: 'Add widget' }).click()
  const dialog = page.getByRole('dialog', { name: 'Add a widget' })
  await dialog.getByTestId('builder-type').click()
  await page.getByRole('option', { name: w.type, exact: true }).click()
  await dialog.getByLabel('Title', { exact: true }).fill(w.label)
  await pickMetric(page, w.metric)
  if (w.unit !== undefined) await dialog.getByLabel('Unit', { exact: true }).fill(w.unit)
  await dialog.getByRole('button', { name: 'Add widget' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByText(`Widget ${w.label} added`)).toBeVisible()
}

test('an admin creates a dashboard, adds widgets from the metrics seen, reorders them and saves the order', async ({ page, request }, testInfo) => {
  test.setTimeout(90_000)
  const { brokerUrl } = await platform(request)
  const publishLevel = async (value: number) => {
    const ts = Date.now()
    await publish(brokerUrl, TOPIC, { schemaVersion: 1, timestamp: ts, seq: ts, values: { [METRIC]: value } })
  }
  // A metric of this test's own, sent once before: the picker lists what the PLC has sent.
  await publishLevel(randomLevel())
  await signIn(page, 'admin@demo.local')
  await page.goto(`/plants/${SITE}/${PLC}`)
  await expect(page.getByText('This PLC has no dashboard yet.')).toBeVisible()
  await page.getByRole('button', { name: 'Create dashboard' }).click()
  const toolbar = page.getByRole('toolbar', { name: 'Dashboard builder' })
  await expect(toolbar).toBeVisible()
  await expect(page.getByTestId('live')).toHaveText('Live')

  // The first widget: its preview shows the current value, then a value published while the form is open.
  await toolbar.getByRole('button', { name: 'Add widget' }).click()
  const dialog = page.getByRole('dialog', { name: 'Add a widget' })
  await dialog.getByTestId('builder-type').click()
  await page.getByRole('option', { name: 'Number', exact: true }).click()
  await dialog.getByLabel('Title', { exact: true }).fill('Builder level')
  await expect(dialog.getByLabel('Widget key')).toHaveValue('builder-level')
  await pickMetric(page, METRIC)
  await dialog.getByLabel('Unit', { exact: true }).fill('bar')
  const preview = dialog.getByTestId('builder-preview')
  await expect(preview.getByTestId('widget-value')).toHaveText(/^\d+(\.\d+)? bar$/)
  const live = randomLevel()
  await publishLevel(live)
  await expect(preview.getByTestId('widget-value')).toHaveText(`${live} bar`, { timeout: 3_000 })
  await dialog.getByRole('button', { name: 'Add widget' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('widget-builder-level').getByTestId('widget-value')).toHaveText(`${live} bar`)

  await addWidget(page, { type: 'Gauge', label: 'Head temperature', metric: 'temp_head', unit: '°C' })
  await addWidget(page, { type: 'Line chart', label: 'Pressure', metric: 'pressure' })
  await expect(page.getByTestId('tile-pressure').locator('canvas')).toHaveCount(1)
  expect(await order(page, 'tile')).toEqual(['builder-level', 'head-temperature', 'pressure'])
  await expect(toolbar.getByRole('button', { name: 'Save order' })).toBeDisabled()

  // Drag the chart by its handle in front of the first widget (SortableJS), then one move by keyboard.
  await page.getByTestId('tile-pressure').locator('.handle').dragTo(page.getByTestId('tile-builder-level'), { targetPosition: { x: 20, y: 20 } })
  await expect.poll(() => order(page, 'tile')).toEqual(['pressure', 'builder-level', 'head-temperature'])
  await expect(page.getByTestId('builder-unsaved')).toHaveText('Order not saved')
  await page.getByRole('button', { name: 'Move Head temperature earlier' }).click()
  expect(await order(page, 'tile')).toEqual(['pressure', 'head-temperature', 'builder-level'])
  await screenshot(page, testInfo, 'dashboard-builder')
  await toolbar.getByRole('button', { name: 'Save order' }).click()
  await expect(page.getByText('Order saved')).toBeVisible()
  await expect(page.getByTestId('builder-unsaved')).toHaveCount(0)

  await page.reload()
  await expect(page.getByTestId('widget-pressure')).toBeVisible()
  expect(await order(page, 'widget')).toEqual(['pressure', 'head-temperature', 'builder-level'])
})

test('the server\'s refusal shows under the field it names; edit and delete', async ({ page }) => {
  await signIn(page, 'admin@demo.local')
  await page.goto(`/plants/${SITE}/${PLC}`)
  await page.getByTestId('builder-edit').click()
  const toolbar = page.getByRole('toolbar', { name: 'Dashboard builder' })
  await toolbar.getByRole('button', { name: 'Add widget' }).click()
  const dialog = page.getByRole('dialog', { name: 'Add a widget' })
  await dialog.getByLabel('Title', { exact: true }).fill('Temperature copy')
  await pickMetric(page, 'temp_head')
  // The form does not check lengths itself: the server's 422 names `unit` (at most 32 characters).
  await dialog.getByLabel('Unit', { exact: true }).fill('u'.repeat(40))
  await dialog.getByRole('button', { name: 'Add widget' }).click()
  await expect(dialog.getByTestId('widget-unit-error')).toContainText('32')
  await expect(dialog.getByLabel('Unit', { exact: true })).toHaveAttribute('aria-invalid', 'true')
  // A key the dashboard has already: the 409 shows on the key.
  await dialog.getByLabel('Unit', { exact: true }).fill('°C')
  await dialog.getByLabel('Widget key').fill('pressure')
  await dialog.getByRole('button', { name: 'Add widget' }).click()
  await expect(dialog.getByTestId('widget-key-error')).toContainText('pressure')
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  await page.getByRole('button', { name: 'Edit Pressure' }).click()
  const edit = page.getByRole('dialog', { name: 'Edit widget Pressure' })
  await edit.getByLabel('Title', { exact: true }).fill('Line pressure')
  await edit.getByRole('button', { name: 'Save widget' }).click()
  await expect(page.getByText('Widget Line pressure saved')).toBeVisible()
  await expect(page.getByTestId('tile-pressure')).toContainText('Line pressure')

  await page.getByRole('button', { name: 'Delete Line pressure' }).click()
  await page.getByRole('dialog', { name: 'Delete widget' }).getByRole('button', { name: 'Delete' }).click()
  await expect(page.getByText('Widget Line pressure deleted')).toBeVisible()
  await expect(page.getByTestId('tile-pressure')).toHaveCount(0)
  // Leaving with a move not saved asks first; discarding keeps the saved order.
  await page.getByRole('button', { name: 'Move Builder level earlier' }).click()
  await toolbar.getByRole('button', { name: 'Done' }).click()
  await page.getByRole('dialog', { name: 'Order not saved' }).getByRole('button', { name: 'Discard order' }).click()
  await expect(toolbar).toHaveCount(0)
  expect(await order(page, 'widget')).toEqual(['head-temperature', 'builder-level'])
})

test.describe('on a 1024×768 tablet, light theme', () => {
  test.use({ viewport: { width: 1024, height: 768 } })

  test('a manager edits too, and the edit mode and the form fit the screen', async ({ page }, testInfo) => {
    await signIn(page, 'manager@demo.local')
    await page.getByRole('button', { name: 'Switch to light theme' }).click()
    await page.goto(`/plants/${SITE}/${PLC}`)
    await page.getByTestId('builder-edit').click()
    await expect(page.getByTestId('tile-builder-level')).toBeVisible()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024)
    await page.getByRole('toolbar', { name: 'Dashboard builder' }).getByRole('button', { name: 'Add widget' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add a widget' })
    await dialog.getByTestId('builder-type').click()
    await page.getByRole('option', { name: 'State lamp', exact: true }).click()
    await dialog.getByLabel('Title', { exact: true }).fill('Running')
    await pickMetric(page, 'running')
    await expect(dialog.getByTestId('builder-preview').getByRole('img')).toHaveAccessibleName(/^(On|Off)$/)
    const box = (await dialog.boundingBox())!
    expect(box.x).toBeGreaterThanOrEqual(0)
    expect(box.x + box.width).toBeLessThanOrEqual(1024)
    await screenshot(page, testInfo, 'dashboard-builder-form')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
  })
})

test('an operator sees the dashboard without edit controls, and the API refuses them anyway', async ({ page, request }) => {
  await signIn(page, 'operator@demo.local')
  await page.goto(`/plants/${SITE}/${PLC}`)
  await expect(page.getByTestId('widget-builder-level')).toBeVisible()
  await expect(page.getByTestId('builder-edit')).toHaveCount(0)
  await expect(page.getByRole('button', { name: /edit/i })).toHaveCount(0)
  const headers = { authorization: `Bearer ${await idToken(request, 'operator@demo.local')}` }
  const dashboard = await request.get(`/api/plcs/${SITE}/${PLC}/dashboard`, { headers })
  const { id } = await dashboard.json() as { id: string }
  const res = await request.post(`/api/admin/dashboards/${id}/widgets`, { headers, data: { widget_key: 'x', type: 'lamp', label: 'x', metric_id: 'running' } })
  expect(res.status()).toBe(403)
})
