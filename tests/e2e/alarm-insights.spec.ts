import type { APIRequestContext } from '@playwright/test'
import mqtt from 'mqtt'
import { expect, idToken, platform, publish, screenshot, signIn, test } from './support'

const SITE = 'planta-1'
const PLC = 'machine-1-2'
const run = Date.now().toString(36)
// Metrics the simulator never sends: only this file's values (or none) exist for them.
const LEARNT_METRIC = `e2e_vibration_${run}`
const MISSING_METRIC = `e2e_missing_${run}`
const RUNNING_METRIC = `e2e_running_${run}`
const HALF_HOUR = 1_800_000

async function createRule(request: APIRequestContext, body: object): Promise<{ id: string, name: string }> {
  const headers = { authorization: `Bearer ${await idToken(request, 'admin@demo.local')}` }
  const res = await request.post('/api/alarm-rules', { headers, data: body })
  expect(res.status()).toBe(201)
  return res.json()
}

test('an admin sees what a learnt rule learnt from history, and learns it again', async ({ page, request }, testInfo) => {
  const rule = await createRule(request, {
    name: `E2E vibration ${run}`, metric: LEARNT_METRIC, kind: 'learnt', severity: 'medium',
    learnt: { windowDays: 1, pLow: 0.05, pHigh: 0.95, padFrac: 0.1, padAbs: 0, minPoints: 20 }
  })
  // 40 values over the last hour: 10…49.
  const { brokerUrl } = await platform(request)
  const start = Date.now() - 3_600_000
  for (let i = 0; i < 40; i++) {
    const ts = start + i * 60_000
    await publish(brokerUrl, `factory/granix/ba/${SITE}/${PLC}/telemetry`, { schemaVersion: 1, timestamp: ts, seq: ts, values: { [LEARNT_METRIC]: 10 + i } })
  }
  await signIn(page, 'admin@demo.local')
  await page.goto('/admin/alarm-rules')
  await page.getByRole('button', { name: `Learnt bounds of ${rule.name}` }).click()
  const dialog = page.getByRole('dialog', { name: `Learnt bounds: ${rule.name}` })
  await expect(dialog).toContainText('the p5–p95 percentiles of the last 1 days')
  await dialog.getByRole('button', { name: 'Learn now' }).click()
  const row = dialog.getByRole('row').filter({ hasText: `${SITE} · ${PLC}` })
  // Stored values arrive within the batch window; learning again until all 40 are in is what an admin would do.
  await expect(async () => {
    await dialog.getByRole('button', { name: 'Learn now' }).click()
    await expect(row).toContainText('40', { timeout: 1000 })
  }).toPass({ timeout: 15_000 })
  // p5 and p95 of 10…49 (numpy's linear method): 11.95 and 47.05.
  await expect(row).toContainText('11.95 – 47.05')
  await screenshot(page, testInfo, 'alarm-rule-bounds')
})

test('a rule on a metric no PLC sends shows as a hint that opens the rule to fix', async ({ page, request }) => {
  const rule = await createRule(request, { name: `E2E missing ${run}`, metric: MISSING_METRIC, max: 10, severity: 'low' })
  await signIn(page, 'admin@demo.local')
  await page.goto('/admin/alarm-rules')
  const hint = page.getByTestId('alarm-rule-hint').filter({ hasText: `Rule "${rule.name}" watches ${MISSING_METRIC}` })
  await expect(hint).toContainText('which no PLC in its scope has ever sent')
  await hint.getByRole('button', { name: 'Fix the rule' }).click()
  const edit = page.getByRole('dialog', { name: 'Edit alarm rule' })
  await expect(edit.getByLabel('Metric')).toHaveValue(MISSING_METRIC)
  await edit.getByLabel('Metric').fill('temp_head')
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(hint).toHaveCount(0)
})

test('an admin learns a machine\'s weekly schedule from its history and accepts it', async ({ page, request }, testInfo) => {
  // A week of history, every half hour: running 08:00–16:00 UTC, stopped otherwise, every day.
  const { brokerUrl } = await platform(request)
  const client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, clientId: `e2e-schedule-${run}` })
  const end = Math.floor(Date.now() / HALF_HOUR) * HALF_HOUR
  try {
    for (let ts = end - 7 * 48 * HALF_HOUR; ts < end; ts += HALF_HOUR) {
      const hour = new Date(ts).getUTCHours()
      const values = { [RUNNING_METRIC]: hour >= 8 && hour < 16 }
      await client.publishAsync(`factory/granix/ba/planta-1/machine-1-3/telemetry`, JSON.stringify({ schemaVersion: 1, timestamp: ts, seq: ts, values }), { qos: 1 })
    }
  } finally {
    await client.endAsync()
  }
  await signIn(page, 'admin@demo.local')
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Schedules' }).click()
  await expect(page.getByRole('heading', { name: 'Machine schedules' })).toBeVisible()
  await page.getByLabel('Plant', { exact: true }).click()
  await page.getByRole('option', { name: 'Planta 1' }).click()
  await page.getByLabel('Machine', { exact: true }).click()
  await page.getByRole('option', { name: /machine-1-3/ }).click()
  await page.getByLabel('Running metric').fill(RUNNING_METRIC)
  await page.getByLabel('From the last (days)').fill('7')
  await page.getByLabel('Time zone').fill('Mars/Olympus')
  await page.getByRole('button', { name: 'Learn' }).click()
  // The server's 422 names the field; it shows under it.
  await expect(page.getByText('an IANA time zone, e.g. Europe/Madrid')).toBeVisible()
  await page.getByLabel('Time zone').fill('UTC')
  const schedule = page.getByRole('region', { name: `Schedule of ${RUNNING_METRIC}` })
  // The last values may still be on their way to the per-minute aggregates: learn until every day shows.
  await expect(async () => {
    await page.getByRole('button', { name: 'Learn' }).click()
    for (const dow of [0, 1, 2, 3, 4, 5, 6]) await expect(schedule.getByTestId(`schedule-day-${dow}`)).toContainText('08:00–16:00', { timeout: 1000 })
  }).toPass({ timeout: 20_000 })
  await expect(schedule).toContainText('Suggested')
  await screenshot(page, testInfo, 'machine-schedule')
  await schedule.getByRole('button', { name: 'Accept' }).click()
  await expect(schedule).toContainText('Accepted')
  await expect(schedule).toContainText('Decided by admin@demo.local')
  // Accepted stays accepted for the next visit.
  await page.reload()
  await page.getByLabel('Plant', { exact: true }).click()
  await page.getByRole('option', { name: 'Planta 1' }).click()
  await page.getByLabel('Machine', { exact: true }).click()
  await page.getByRole('option', { name: /machine-1-3/ }).click()
  await expect(page.getByRole('region', { name: `Schedule of ${RUNNING_METRIC}` })).toContainText('Accepted')
})

test('an operator has no schedules page', async ({ page }) => {
  await signIn(page, 'operator@demo.local')
  await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Schedules' })).toHaveCount(0)
  await page.goto('/admin/schedules')
  await expect(page).toHaveURL(/\/$/)
})
