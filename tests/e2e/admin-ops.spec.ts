import mqtt from 'mqtt'
import type { Page } from '@playwright/test'
import { expect, idToken, platform, publish, screenshot, signIn, test } from './support'

// The admin's operations pages: gateways with their status timeline, dead letters (inspect,
// replay), persistence rules. Names carry this run's suffix: the database lives for one run only,
// but the tests must not match what another test published.
const run = Date.now().toString(36)
// The simulator's second gateway speaks seed 000 (shape A), whose events name it: its PLCs are linked to it.
const SIM_GATEWAY = 'granix-ba-gw-02'
const E2E_GATEWAY = `e2e-ops-gw-${run}`
const LATE_SITE = `e2e-late-${run}`
const METRIC = `e2e_persist_${run}`

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main navigation' })
const health = { internet: 'ok', mqtt: 'ok', plcLink: 'ok', buffer: { mode: 'disk', queuedMessages: 3 } }

/** Publishes bytes as they are (support's `publish` sends JSON), at QoS 1, to the embedded broker. */
async function publishRaw(brokerUrl: string, topic: string, payload: string): Promise<void> {
  const client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, clientId: `e2e-raw-${run}-${Math.random().toString(16).slice(2)}` })
  try {
    await client.publishAsync(topic, payload, { qos: 1 })
  } finally {
    await client.endAsync()
  }
}

test('an admin sees the simulator\'s gateway online with its health and opens its status timeline', async ({ page }, testInfo) => {
  await signIn(page, 'admin@demo.local')
  await nav(page).getByRole('link', { name: 'Gateways' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Gateways' })).toBeVisible()
  await expect(page.getByTestId('live')).toHaveText('Live')
  const row = page.getByRole('row').filter({ hasText: SIM_GATEWAY })
  // The simulator restarts a gateway now and then (Last Will, then back): allow for one.
  await expect(row.getByTestId('gateway-row-status')).toHaveText('Online', { timeout: 15_000 })
  await expect(row).toContainText('planta-1')
  await expect(row.getByTestId('health-internet')).toHaveText('Internet: ok')
  await expect(row.getByTestId('health-mqtt')).toHaveText('MQTT: ok')
  await expect(row).toContainText('disk · 0 queued')
  await expect(row).toContainText('1.0.0')
  await expect(row).toContainText(/\d+ h \d+ min/)
  await screenshot(page, testInfo, 'gateways')
  await row.getByRole('button', { name: `Status timeline of ${SIM_GATEWAY}` }).click()
  const drawer = page.getByRole('dialog', { name: 'Status timeline' })
  await expect(drawer).toBeVisible()
  await expect(drawer.getByTestId('detail-status')).toHaveText('Online')
  await expect(drawer.getByTestId('gateway-timeline-chart').locator('canvas')).toBeVisible()
  // It came online after the server started: the newest period is online, until now.
  await expect(drawer.getByTestId('gateway-segments').locator('tbody tr').first().locator('td').first()).toHaveText('Online')
  await expect(drawer.getByTestId('gateway-transitions').locator('li').first()).toContainText('Online')
  await expect(drawer.getByTestId('online-share')).toContainText(/Online \d+(\.\d)? % of the range/)
  await expect(drawer.getByTestId('gateway-plcs')).toContainText(/plc-0\d/)
  await drawer.getByRole('button', { name: '1 h' }).click()
  await expect(drawer.getByRole('button', { name: '1 h' })).toHaveAttribute('aria-pressed', 'true')
  await expect(drawer.getByTestId('gateway-segments').locator('tbody tr').first().locator('td').first()).toHaveText('Online')
  await screenshot(page, testInfo, 'gateway-timeline')
})

test('a gateway that stops shows offline on the gateways page and in its timeline, live', async ({ page, request }) => {
  const { brokerUrl } = await platform(request)
  const topic = `ops/granix/ba/planta-1/gateway/${E2E_GATEWAY}/status`
  await publish(brokerUrl, topic, { schemaVersion: 1, timestamp: Date.now(), state: 'online', gateway: { thingName: E2E_GATEWAY, version: '9.9.9', uptimeSec: 60 }, health })
  await signIn(page, 'admin@demo.local')
  await page.goto('/admin/gateways')
  const row = page.getByRole('row').filter({ hasText: E2E_GATEWAY })
  await expect(row.getByTestId('gateway-row-status')).toHaveText('Online')
  // The ingest registered it on its own: pending until an admin approves it.
  await expect(row).toContainText('Pending')
  await expect(row).toContainText('disk · 3 queued')
  await row.click()
  const drawer = page.getByRole('dialog', { name: 'Status timeline' })
  await expect(drawer.getByTestId('detail-status')).toHaveText('Online')
  await expect(page.getByTestId('live')).toHaveText('Live')
  // A heartbeat with other health: the row and the timeline's "changes seen live" follow it.
  await publish(brokerUrl, topic, { schemaVersion: 1, timestamp: Date.now(), state: 'online', gateway: { thingName: E2E_GATEWAY, version: '9.9.9', uptimeSec: 70 }, health: { ...health, plcLink: 'degraded', buffer: { mode: 'disk', queuedMessages: 7 } } })
  await expect(row.getByTestId('health-plcLink')).toHaveText('PLC link: degraded')
  await expect(row).toContainText('disk · 7 queued')
  await expect(drawer.getByTestId('health-changes')).toContainText('PLC link: ok → degraded')
  await expect(drawer.getByTestId('health-changes')).toContainText('Buffer: 3 → 7')
  await publish(brokerUrl, topic, { schemaVersion: 1, timestamp: Date.now(), state: 'offline', reason: 'unexpected_disconnect' })
  await expect(row.getByTestId('gateway-row-status')).toHaveText('Offline', { timeout: 3_000 })
  await expect(drawer.getByTestId('detail-status')).toHaveText('Offline')
  const newest = drawer.getByTestId('gateway-segments').locator('tbody tr').first()
  await expect(newest.locator('td').first()).toHaveText('Offline')
  await expect(newest.locator('td').last()).toHaveText('unexpected_disconnect')
  await expect(drawer.getByTestId('gateway-transitions').locator('li')).toHaveCount(2)
  await expect(drawer.getByTestId('gateway-transitions').locator('li').first()).toContainText('unexpected_disconnect')
  // Renamed from its timeline: a name the server refuses first (its 422 under the field).
  await drawer.getByLabel('Display name').fill('x'.repeat(201))
  await drawer.getByRole('button', { name: 'Save name' }).click()
  await expect(drawer.getByTestId('gw-name-error')).toContainText('200')
  await drawer.getByLabel('Display name').fill(`Edge ${run}`)
  await drawer.getByRole('button', { name: 'Save name' }).click()
  await expect(page.getByText(`Gateway renamed to Edge ${run}`)).toBeVisible()
  await expect(row).toContainText(`Edge ${run}`)
  await page.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
  // Approved in its row: no longer pending, on the server too.
  await row.getByRole('button', { name: `Approve gateway Edge ${run}` }).click()
  await expect(page.getByText(`Gateway Edge ${run} approved`)).toBeVisible()
  await expect(row).not.toContainText('Pending')
  const headers = { authorization: `Bearer ${await idToken(request, 'admin@demo.local')}` }
  expect(await (await request.get(`/api/gateways/${E2E_GATEWAY}`, { headers })).json()).toMatchObject({ name: `Edge ${run}`, approval: 'active' })
  // Filtered by status on the server: it is among the offline gateways, not the online ones.
  await page.getByRole('combobox', { name: 'Status' }).click()
  await page.getByRole('option', { name: 'Offline' }).click()
  await expect(row).toHaveCount(1)
  await expect(page.getByTestId('gateway-row-status').filter({ hasText: 'Online' })).toHaveCount(0)
})

test('malformed messages show up in dead letters with their reason; inspected, then replayed once their plant exists', async ({ page, request }, testInfo) => {
  const { brokerUrl } = await platform(request)
  const badTopic = `factory/granix/ba/planta-1/gateway/e2e-dl-gw-${run}/telemetry`
  const lateTopic = `factory/granix/ba/${LATE_SITE}/m1/telemetry`
  await publishRaw(brokerUrl, badTopic, '{"type": "telemetry", oops')
  await publish(brokerUrl, lateTopic, { schemaVersion: 1, timestamp: Date.now(), seq: 1, values: { e2e_late_speed: 12.5 } })
  await signIn(page, 'admin@demo.local')
  await nav(page).getByRole('link', { name: 'Dead letters' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Dead letters' })).toBeVisible()
  const bad = page.getByRole('row').filter({ hasText: badTopic })
  await expect(bad.getByTestId('dead-letter-reason')).toContainText('Not JSON')
  await expect(bad).toContainText(`e2e-dl-gw-${run}`)

  // Filtered by reason on the server.
  await page.getByRole('combobox', { name: 'Reason' }).click()
  await page.getByRole('option', { name: 'Unknown plant' }).click()
  await expect(bad).toHaveCount(0)
  const late = page.getByRole('row').filter({ hasText: lateTopic })
  await expect(late).toHaveCount(1)
  await expect(late.getByTestId('dead-letter-reason')).toContainText('Unknown plant')
  await screenshot(page, testInfo, 'dead-letters')

  // Inspect: the error and the payload as received.
  await late.getByRole('button', { name: /^Inspect dead letter \d+$/ }).click()
  const inspect = page.getByRole('dialog', { name: /^Dead letter \d+$/ })
  await expect(inspect.getByTestId('dead-letter-detail')).toHaveText(`plant "${LATE_SITE}" (province "ba") does not exist in tenant "granix"`)
  await expect(inspect.getByTestId('dead-letter-payload')).toContainText('"e2e_late_speed": 12.5')
  await screenshot(page, testInfo, 'dead-letter-inspect')
  // Replayed before the plant exists: still failing, with its reason.
  await inspect.getByRole('button', { name: 'Replay this one' }).click()
  const outcome = page.getByRole('dialog', { name: 'Replay outcome' })
  await expect(outcome.getByTestId('replay-summary')).toHaveText('1 replayed: 0 stored, 1 still failing')
  await expect(outcome.getByTestId('replay-outcomes')).toContainText('Still failing: Unknown plant')
  await outcome.getByRole('button', { name: 'Done' }).click()

  // The plant is created; replaying every dead letter of the filter stores it (and its failed copy).
  const headers = { authorization: `Bearer ${await idToken(request, 'admin@demo.local')}` }
  expect((await request.post('/api/plants', { headers, data: { province: 'ba', slug: LATE_SITE, name: 'Late plant' } })).status()).toBe(201)
  await expect(late).toHaveCount(2)
  await page.getByRole('button', { name: 'Replay all matching' }).click()
  await page.getByRole('dialog', { name: 'Replay all matching dead letters' }).getByRole('button', { name: 'Replay' }).click()
  await expect(outcome.getByTestId('replay-progress')).toHaveText(/Replaying: (\d+) of \1/)
  await expect(outcome.getByTestId('replay-outcomes')).toContainText('Stored')
  await expect(outcome.getByTestId('replay-outcomes').getByText('Stored')).toHaveCount(2)
  await screenshot(page, testInfo, 'dead-letter-replay')
  await outcome.getByRole('button', { name: 'Done' }).click()
  await expect(late.first()).toContainText('1×')
  // Idempotency: the value is stored once although two copies were replayed.
  const stored = await (await request.get(`/api/telemetry/${LATE_SITE}/m1?metric=e2e_late_speed&from=0`, { headers })).json() as { metric: string, value: number }[] | { items: { value: number }[] }
  const points = Array.isArray(stored) ? stored : stored.items
  expect(points.map(p => p.value)).toEqual([12.5])

  // A selection: the malformed one fails again, as a new dead letter with the same reason.
  await page.getByRole('combobox', { name: 'Reason' }).click()
  await page.getByRole('option', { name: 'Not JSON' }).click()
  await expect(bad).toHaveCount(1)
  await bad.getByRole('checkbox', { name: /^Select dead letter \d+$/ }).check()
  await page.getByRole('button', { name: 'Replay selected (1)' }).click()
  await expect(outcome.getByTestId('replay-outcomes')).toContainText('Still failing: Not JSON')
  await outcome.getByRole('button', { name: 'Done' }).click()
  await expect(bad).toHaveCount(2)
})

test('an admin creates a persistence rule, sees the server\'s error on the field, edits and deletes it', async ({ page, request }, testInfo) => {
  await signIn(page, 'admin@demo.local')
  await nav(page).getByRole('link', { name: 'Persistence rules' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Persistence rules' })).toBeVisible()
  await page.getByRole('button', { name: 'New rule' }).click()
  const dialog = page.getByRole('dialog', { name: 'New persistence rule' })
  await dialog.getByLabel('Plant').click()
  await page.getByRole('option', { name: 'Planta 1' }).click()
  await dialog.getByLabel('PLC').click()
  await page.getByRole('option', { name: /^(machine-1-1|.*\(machine-1-1\))$/ }).click()
  // A metric name longer than the server takes: its 422 names the field.
  await dialog.getByLabel('Metric').fill('m'.repeat(200))
  await dialog.getByLabel('Mode').click()
  await page.getByRole('option', { name: 'Raw only' }).click()
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(dialog.getByTestId('pr-metric-error')).toContainText('128')
  await screenshot(page, testInfo, 'persist-rule-form')
  await dialog.getByLabel('Metric').fill(METRIC)
  await dialog.getByRole('button', { name: 'Save' }).click()
  const scope = `planta-1 · machine-1-1 · ${METRIC}`
  await expect(page.getByText(`Rule for ${scope} saved`)).toBeVisible()
  await expect(dialog).toBeHidden()
  const row = page.getByRole('row').filter({ hasText: METRIC })
  await expect(row.getByTestId('persist-mode')).toHaveText('Raw only')
  await screenshot(page, testInfo, 'persist-rules')

  await row.getByRole('button', { name: `Edit rule for ${scope}` }).click()
  const edit = page.getByRole('dialog', { name: 'Edit persistence rule' })
  await expect(edit.getByLabel('Plant')).toBeDisabled()
  await edit.getByLabel('Mode').click()
  await page.getByRole('option', { name: 'None (live only)' }).click()
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(row.getByTestId('persist-mode')).toHaveText('None (live only)')
  const headers = { authorization: `Bearer ${await idToken(request, 'admin@demo.local')}` }
  const rules = await (await request.get('/api/persist-rules', { headers })).json() as { metric: string | null, mode: string }[]
  expect(rules.find(r => r.metric === METRIC)?.mode).toBe('none')

  await row.getByRole('button', { name: `Delete rule for ${scope}` }).click()
  await page.getByRole('dialog', { name: 'Delete persistence rule' }).getByRole('button', { name: 'Delete' }).click()
  await expect(page.getByText(`Rule for ${scope} deleted`)).toBeVisible()
  await expect(row).toHaveCount(0)
  const after = await (await request.get('/api/persist-rules', { headers })).json() as { metric: string | null }[]
  expect(after.some(r => r.metric === METRIC)).toBe(false)
})

test('a manager reads persistence rules without changing them and gets no gateway or dead-letter pages', async ({ page }) => {
  await signIn(page, 'manager@demo.local')
  await expect(nav(page).getByRole('link', { name: 'Persistence rules' })).toBeVisible()
  await expect(nav(page).getByRole('link', { name: 'Dead letters' })).toHaveCount(0)
  await expect(nav(page).getByRole('link', { name: 'Gateways' })).toHaveCount(0)
  await nav(page).getByRole('link', { name: 'Persistence rules' }).click()
  await expect(page.getByText('You may read these rules but not change them.')).toBeVisible()
  await expect(page.getByRole('button', { name: 'New rule' })).toHaveCount(0)
  await page.goto('/admin/dead-letters')
  await expect(page).toHaveURL(/\/$/)
})

test.describe('on a 1024×768 tablet, in the light theme', () => {
  test.use({ viewport: { width: 1024, height: 768 } })

  test('each page fits the screen and the top bar stays one row', async ({ page }, testInfo) => {
    await signIn(page, 'admin@demo.local')
    await page.getByRole('button', { name: 'Switch to light theme' }).click()
    await expect(page.locator('html')).not.toHaveClass(/app-dark/)
    for (const [link, heading] of [['Gateways', 'Gateways'], ['Dead letters', 'Dead letters'], ['Persistence rules', 'Persistence rules']] as const) {
      await nav(page).getByRole('link', { name: link }).click()
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible()
      await expect(page.getByRole('status').filter({ hasText: 'Loading' })).toHaveCount(0)
      expect(await page.evaluate(() => document.documentElement.scrollWidth), link).toBeLessThanOrEqual(1024)
      expect((await page.getByRole('banner').boundingBox())!.height).toBeLessThan(64)
    }
    await page.goto('/admin/gateways')
    await page.getByRole('row').filter({ hasText: SIM_GATEWAY }).click()
    await expect(page.getByRole('dialog', { name: 'Status timeline' }).getByTestId('gateway-segments')).toBeVisible()
    await screenshot(page, testInfo, 'gateway-timeline-tablet-light')
  })
})

test('in Spanish, the three pages speak Spanish', async ({ page }) => {
  await signIn(page, 'admin@demo.local')
  await page.getByRole('combobox', { name: 'Language' }).click()
  await page.getByRole('option', { name: 'Español' }).click()
  const navEs = page.getByRole('navigation', { name: 'Navegación principal' })
  await navEs.getByRole('link', { name: 'Gateways' }).click()
  await expect(page.getByRole('columnheader', { name: 'Visto por última vez' })).toBeVisible()
  await page.getByRole('row').filter({ hasText: SIM_GATEWAY }).getByRole('button', { name: `Historial de estado de ${SIM_GATEWAY}` }).click()
  await expect(page.getByRole('dialog', { name: 'Historial de estado' }).getByText('Periodos en línea y fuera de línea')).toBeVisible()
  await page.keyboard.press('Escape')
  await navEs.getByRole('link', { name: 'Mensajes rechazados' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Mensajes rechazados' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Reenviar todos los que coinciden' })).toBeVisible()
  await navEs.getByRole('link', { name: 'Reglas de persistencia' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Reglas de persistencia' })).toBeVisible()
  await page.getByRole('button', { name: 'Nueva regla' }).click()
  await expect(page.getByRole('dialog', { name: 'Nueva regla de persistencia' }).getByText('Gana la regla más específica')).toBeVisible()
})

for (const email of ['viewer@demo.local', 'operator@demo.local']) {
  test(`${email.split('@')[0]}: no gateway, dead-letter or persistence-rule pages, and the API refuses the writes`, async ({ page, request }) => {
    await signIn(page, email)
    for (const name of ['Gateways', 'Dead letters', 'Persistence rules']) await expect(nav(page).getByRole('link', { name })).toHaveCount(0)
    for (const path of ['/admin/gateways', '/admin/dead-letters', '/admin/persist-rules']) {
      await page.goto(path)
      await expect(page).toHaveURL(/\/$/)
      await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(/Gateways|Dead letters|Persistence rules/)
    }
    const headers = { authorization: `Bearer ${await idToken(request, email)}` }
    expect((await request.get('/api/dead-letters', { headers })).status()).toBe(403)
    expect((await request.get('/api/persist-rules', { headers })).status()).toBe(403)
    expect((await request.post('/api/dead-letters/replay', { headers, data: { ids: [1] } })).status()).toBe(403)
  })
}

test('1,050 gateways: the page shows one server page of 50 at a time and walks them', async ({ page, request }) => {
  test.setTimeout(180_000)
  // In the other demo tenant, which no other browser test looks at: its admin sees only these.
  // Last in this file: 30 s later the watchdog takes all 1,050 offline (and raises their alarms).
  const { brokerUrl } = await platform(request)
  const client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, clientId: `e2e-bulk-${run}` })
  const ids = Array.from({ length: 1050 }, (_, i) => `e2e-bulk-${String(i).padStart(4, '0')}`)
  try {
    for (const id of ids) {
      await client.publishAsync(`ops/other/cba/planta-norte/gateway/${id}/status`, JSON.stringify({ schemaVersion: 1, timestamp: Date.now(), state: 'online', gateway: { thingName: id, version: '2.0.0', uptimeSec: 5 }, health }), { qos: 1 })
    }
  } finally {
    await client.endAsync()
  }
  const headers = { authorization: `Bearer ${await idToken(request, 'admin@other.local')}` }
  // All stored (the ingest registers them as it goes): count them through the API's pages.
  await expect.poll(async () => {
    let n = 0
    let cursor: string | null = null
    do {
      const page: { items: unknown[], nextCursor: string | null } = await (await request.get('/api/gateways', { headers, params: { limit: 500, ...(cursor ? { cursor } : {}) } })).json()
      n += page.items.length
      cursor = page.nextCursor
    } while (cursor)
    return n
  }, { timeout: 30_000 }).toBe(1050)
  await signIn(page, 'admin@other.local')
  await page.goto('/admin/gateways')
  const rows = page.locator('tbody tr')
  await expect(rows).toHaveCount(50)
  await expect(rows.first()).toContainText('e2e-bulk-0000')
  await expect(page.getByTestId('gateway-page')).toHaveText('Page 1')
  await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled()
  for (let n = 2; n <= 21; n++) {
    await page.getByRole('button', { name: 'Next' }).click()
    await expect(page.getByTestId('gateway-page')).toHaveText(`Page ${n}`)
    await expect(rows.first()).toContainText(ids[(n - 1) * 50]!)
    // One page in the table whatever the total: what keeps it responsive with thousands of gateways.
    await expect(rows).toHaveCount(50)
  }
  await expect(rows).toHaveCount(50)
  await expect(rows.last()).toContainText('e2e-bulk-1049')
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled()
  await page.getByRole('button', { name: 'Previous' }).click()
  await expect(page.getByTestId('gateway-page')).toHaveText('Page 20')
  await expect(rows.first()).toContainText('e2e-bulk-0950')
  // Granix's gateways are not among them.
  await expect(page.getByText(SIM_GATEWAY)).toHaveCount(0)
})
