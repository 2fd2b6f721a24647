import type { APIRequestContext, Page } from '@playwright/test'
import { expect, idToken, platform, publish, screenshot, signIn, test } from './support'

const SITE = 'planta-1'
const PLC = 'machine-1-1'
// A metric the simulator never sends: only this file's values can break the rule.
const METRIC = 'e2e_alarm_level'
const RULE = `E2E level high ${Date.now().toString(36)}`

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main navigation' })
const alarmRow = (page: Page) => page.getByRole('row').filter({ hasText: `${RULE}: ${METRIC}` })

/** One value of the test's metric, as a seed-001 machine sends it (shape B). */
async function publishLevel(brokerUrl: string, value: number): Promise<void> {
  const ts = Date.now()
  await publish(brokerUrl, `factory/granix/ba/${SITE}/${PLC}/telemetry`, { schemaVersion: 1, timestamp: ts, seq: ts, values: { [METRIC]: value } })
}

/**
 * The navigation badge agrees with the server's count of open, unacknowledged, unshelved alarms.
 * Polled: the simulator raises and clears BAD-quality alarms of its own at any moment.
 */
async function expectBadgeMatchesServer(page: Page, request: APIRequestContext, email: string): Promise<void> {
  const headers = { authorization: `Bearer ${await idToken(request, email)}` }
  const badge = nav(page).getByTestId('alarm-nav-badge')
  await expect.poll(async () => {
    const res = await request.get('/api/alarms', { headers, params: { state: 'active', shelved: 'false', limit: 500 } })
    const server = (await res.json() as { items: unknown[] }).items.length
    const shown = await badge.count() ? Number(await badge.textContent()) : 0
    return shown === server
  }, { timeout: 15_000 }).toBe(true)
}

// One story: the rule the admin creates is the one whose alarm the operator and the viewer see.
test.describe.serial('alarms', () => {
  test('an admin creates a rule on the page; the server\'s validation error shows on the field', async ({ page }, testInfo) => {
    await signIn(page, 'admin@demo.local')
    await nav(page).getByRole('link', { name: 'Alarm rules' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Alarm rules' })).toBeVisible()
    await page.getByRole('button', { name: 'New rule' }).click()
    const dialog = page.getByRole('dialog', { name: 'New alarm rule' })
    await dialog.getByLabel('Name').fill(RULE)
    await dialog.getByLabel('Plant').click()
    await page.getByRole('option', { name: 'Planta 1' }).click()
    await dialog.getByLabel('PLC').click()
    await page.getByRole('option', { name: new RegExp(`^(${PLC}|.*\\(${PLC}\\))$`) }).click()
    // The metric input suggests what the PLC has reported (the simulator's), and takes a new name too.
    await expect(dialog.locator('#rule-metric-known option[value="pressure"]')).toHaveCount(1)
    await dialog.getByLabel('Metric').fill(METRIC)
    await dialog.getByLabel('Severity').click()
    await page.getByRole('option', { name: 'High' }).click()
    // Minimum above maximum: the server refuses (422) and names the field.
    await dialog.getByLabel('Minimum', { exact: true }).fill('80')
    await dialog.getByLabel('Maximum', { exact: true }).fill('50')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await expect(dialog.getByTestId('rule-min-error')).toHaveText('must not be above max')
    await screenshot(page, testInfo, 'alarm-rule-form')
    await dialog.getByLabel('Minimum', { exact: true }).fill('')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await expect(page.getByText(`Rule “${RULE}” saved`)).toBeVisible()
    await expect(dialog).toBeHidden()
    const row = page.getByRole('row').filter({ hasText: RULE })
    await expect(row).toContainText(`${SITE} · ${PLC}`)
    await expect(row).toContainText('≤ 50')
    await expect(row.getByRole('switch')).toBeChecked()
    await screenshot(page, testInfo, 'alarm-rules')
  })

  test('a value over the limit raises an alarm on the operator\'s page live; they acknowledge it with a comment', async ({ page, request }, testInfo) => {
    const { brokerUrl } = await platform(request)
    await signIn(page, 'operator@demo.local')
    await nav(page).getByRole('link', { name: 'Alarms' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Alarms' })).toBeVisible()
    await expect(page.getByTestId('live')).toHaveText('Live')
    await expect(alarmRow(page)).toHaveCount(0)
    let reloaded = false
    page.on('framenavigated', () => {
      reloaded = true
    })

    const published = Date.now()
    await publishLevel(brokerUrl, 75)
    const row = alarmRow(page)
    await expect(row).toBeVisible({ timeout: 5_000 })
    testInfo.annotations.push({ type: 'mqtt→alarm row', description: `${Date.now() - published} ms (upper bound)` })
    expect(reloaded).toBe(false)
    await expect(row).toContainText('above 50')
    await expect(row.locator('[data-severity="high"]')).toHaveText('High')
    await expect(row.getByTestId('alarm-state')).toHaveText('Active')
    await expect(nav(page).getByTestId('alarm-nav-badge')).toBeVisible()
    await expectBadgeMatchesServer(page, request, 'operator@demo.local')
    await screenshot(page, testInfo, 'alarms')

    await row.getByRole('button', { name: 'Acknowledge' }).click()
    const dialog = page.getByRole('dialog', { name: 'Acknowledge alarm' })
    await dialog.getByLabel('Comment (optional)').fill('Valve checked, level falling')
    await dialog.getByRole('button', { name: 'Acknowledge' }).click()
    await expect(page.getByText('Alarm acknowledged')).toBeVisible()
    await expect(row.getByTestId('alarm-state')).toHaveText('Acknowledged')
    await expect(row.getByTestId('alarm-ack')).toContainText('operator@demo.local')
    await expect(row.getByTestId('alarm-ack')).toContainText('s ago')
    await expect(row.getByTestId('alarm-ack')).toContainText('Valve checked, level falling')
    await expect(row.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0)
    await expectBadgeMatchesServer(page, request, 'operator@demo.local')

    // The detail drawer: the history, raised then acknowledged, with who and the comment.
    await row.getByRole('button', { name: 'Details and history' }).click()
    const history = page.getByTestId('alarm-history')
    await expect(history).toContainText('Raised')
    await expect(history).toContainText('Acknowledged')
    await expect(history).toContainText('by operator@demo.local')
    await expect(history).toContainText('Valve checked, level falling')
  })

  test('the PLC\'s open alarm shows on the overview and the dashboard, linking to the filtered list', async ({ page }) => {
    await signIn(page, 'operator@demo.local')
    const badge = page.getByTestId(`alarm-count-${PLC}`)
    await expect(badge).toBeVisible()
    await badge.click()
    await expect(page).toHaveURL(`/alarms?site=${SITE}&plc=${PLC}`)
    await expect(page.getByTestId('plc-filter')).toContainText(PLC)
    await expect(alarmRow(page)).toBeVisible()
    await page.goto(`/plants/${SITE}/${PLC}`)
    await expect(page.getByTestId(`alarm-count-${PLC}`)).toBeVisible()
  })

  test('a viewer sees the alarm but no acknowledge button, and the API refuses them anyway', async ({ page, request }) => {
    const { brokerUrl } = await platform(request)
    await signIn(page, 'viewer@demo.local')
    await page.goto('/alarms?state=all')
    await expect(page.getByTestId('live')).toHaveText('Live')
    await expect(alarmRow(page).first()).toBeVisible()
    // Back in range clears it; a new breach after that raises a second, unacknowledged one, live.
    await publishLevel(brokerUrl, 10)
    await expect(alarmRow(page).getByTestId('alarm-state').first()).toHaveText('Cleared', { timeout: 5_000 })
    await publishLevel(brokerUrl, 90)
    await expect(alarmRow(page).getByTestId('alarm-state').filter({ hasText: /^Active$/ })).toBeVisible({ timeout: 5_000 })
    // exact: the state filter has "Acknowledged" and "Unacknowledged" buttons.
    await expect(page.getByRole('button', { name: 'Acknowledge', exact: true })).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Shelve', exact: true })).toHaveCount(0)

    const headers = { authorization: `Bearer ${await idToken(request, 'viewer@demo.local')}` }
    const open = await request.get('/api/alarms', { headers, params: { state: 'active', site: SITE } })
    expect(open.status()).toBe(200)
    const alarm = (await open.json() as { items: { id: string, message: string }[] }).items.find(a => a.message.startsWith(RULE))
    expect(alarm).toBeDefined()
    expect((await request.post(`/api/alarms/${alarm!.id}/acknowledge`, { headers, data: {} })).status()).toBe(403)
    expect((await request.post(`/api/alarms/${alarm!.id}/shelve`, { headers, data: { minutes: 10 } })).status()).toBe(403)
  })

  test('switching to Spanish translates the alarms page', async ({ page }, testInfo) => {
    await signIn(page, 'operator@demo.local')
    await page.goto('/alarms')
    await page.getByRole('combobox', { name: 'Language' }).click()
    await page.getByRole('option', { name: 'Español' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Alarmas' })).toBeVisible()
    await expect(page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: /^Alarmas/ })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Abiertas' })).toBeVisible()
    await expect(page.getByRole('columnheader', { name: 'Severidad' })).toBeVisible()
    await expect(page.getByTestId('alarm-stats')).toContainText('Últimas 24 h')
    await expect(alarmRow(page).getByRole('button', { name: 'Reconocer', exact: true })).toBeVisible()
    await screenshot(page, testInfo, 'alarms-es')
  })

  test.describe('on a 1024×768 tablet', () => {
    test.use({ viewport: { width: 1024, height: 768 } })

    test('the alarms page fits the screen and the top bar stays one row', async ({ page }, testInfo) => {
      await signIn(page, 'manager@demo.local')
      await page.goto('/alarms')
      await expect(alarmRow(page).first()).toBeVisible()
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024)
      expect((await page.getByRole('banner').boundingBox())!.height).toBeLessThan(64)
      // Managers may shelve: the action is offered.
      await expect(alarmRow(page).first().getByRole('button', { name: 'Shelve', exact: true })).toBeVisible()
      await screenshot(page, testInfo, 'alarms-tablet')
    })
  })

  test('a manager shelves the alarm: it leaves the open list, shows with "Include shelved", and is unshelved', async ({ page }) => {
    await signIn(page, 'manager@demo.local')
    await page.goto(`/alarms?site=${SITE}&plc=${PLC}`)
    const row = alarmRow(page)
    await expect(row).toHaveCount(1)
    await row.getByRole('button', { name: 'Shelve', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Shelve alarm' })
    await expect(dialog.getByLabel('Shelve for')).toHaveText('1 hour')
    await dialog.getByLabel('Comment (optional)').fill('Sensor being recalibrated')
    await dialog.getByRole('button', { name: 'Shelve', exact: true }).click()
    await expect(page.getByText('Alarm shelved')).toBeVisible()
    // Changed in place; a fresh load of the open list leaves it out.
    await expect(row.getByTestId('alarm-shelved')).toBeVisible()
    await page.reload()
    await expect(page.getByRole('heading', { level: 1, name: 'Alarms' })).toBeVisible()
    await expect(row).toHaveCount(0)
    await page.getByLabel('Include shelved').check()
    await expect(page).toHaveURL(/shelved=1/)
    await expect(row.getByTestId('alarm-shelved')).toBeVisible()
    await row.getByRole('button', { name: 'Unshelve', exact: true }).click()
    await expect(page.getByText('Alarm unshelved')).toBeVisible()
    await expect(row.getByTestId('alarm-shelved')).toHaveCount(0)
  })

  test('an admin edits, disables and deletes the rule; disabling clears its alarm on an open alarms page live', async ({ page }) => {
    await signIn(page, 'admin@demo.local')
    const alarms = await page.context().newPage()
    await alarms.goto(`/alarms?site=${SITE}&plc=${PLC}&state=all`)
    await expect(alarms.getByTestId('live')).toHaveText('Live')
    await expect(alarmRow(alarms).getByTestId('alarm-state').filter({ hasText: /^Active$/ })).toHaveCount(1)

    await page.goto('/admin/alarm-rules')
    const rule = page.getByRole('row').filter({ hasText: RULE })
    await rule.getByRole('button', { name: `Edit rule ${RULE}` }).click()
    const dialog = page.getByRole('dialog', { name: 'Edit alarm rule' })
    await expect(dialog.getByLabel('Name')).toHaveValue(RULE)
    await dialog.getByLabel('Maximum', { exact: true }).fill('60')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await expect(rule).toContainText('≤ 60')

    await rule.getByRole('switch').click()
    await expect(page.getByText(`Rule “${RULE}” disabled`)).toBeVisible()
    await expect(rule.getByRole('switch')).not.toBeChecked()
    await expect(alarmRow(alarms).getByTestId('alarm-state').filter({ hasText: /^Active$/ })).toHaveCount(0, { timeout: 5_000 })

    await rule.getByRole('button', { name: `Delete rule ${RULE}` }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete alarm rule' })
    await expect(confirm).toContainText(RULE)
    await confirm.getByRole('button', { name: 'Delete' }).click()
    await expect(page.getByText(`Rule “${RULE}” deleted`)).toBeVisible()
    await expect(rule).toHaveCount(0)
  })

  test('an admin sets up a no-data rule, then turns it into one learnt from history', async ({ page }) => {
    const name = `${RULE} kinds`
    await signIn(page, 'admin@demo.local')
    await page.goto('/admin/alarm-rules')
    await page.getByRole('button', { name: 'New rule' }).click()
    const dialog = page.getByRole('dialog', { name: 'New alarm rule' })
    await dialog.getByLabel('Name').fill(name)
    await dialog.getByLabel('Metric').fill('pressure')
    await dialog.getByLabel('Kind').click()
    await page.getByRole('option', { name: 'No data' }).click()
    // A no-data rule has no limits to set.
    await expect(dialog.getByLabel('Maximum', { exact: true })).toHaveCount(0)
    await dialog.getByLabel('No data for (s)').fill('120')
    await dialog.getByRole('button', { name: 'Save' }).click()
    const row = page.getByRole('row').filter({ hasText: name })
    await expect(row).toContainText('no data > 120 s')

    await row.getByRole('button', { name: `Edit rule ${name}` }).click()
    const edit = page.getByRole('dialog', { name: 'Edit alarm rule' })
    await edit.getByLabel('Kind').click()
    await page.getByRole('option', { name: 'Learnt from history' }).click()
    await edit.getByLabel('Learn from (days)').fill('14')
    await edit.getByRole('button', { name: 'Save' }).click()
    await expect(row).toContainText('p1–p99 of 14 d')

    await row.getByRole('button', { name: `Delete rule ${name}` }).click()
    await page.getByRole('dialog', { name: 'Delete alarm rule' }).getByRole('button', { name: 'Delete' }).click()
    await expect(row).toHaveCount(0)
  })
})
