import type { Page } from '@playwright/test'
import { expect, idToken, platform, publish, screenshot, signIn, test } from './support'

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main navigation' })

test('an operator sees their one plant live: gateways, PLCs and values', async ({ page }, testInfo) => {
  await signIn(page, 'operator@demo.local')
  await expect(page.getByRole('heading', { level: 1, name: 'Plant overview' })).toBeVisible()
  await expect(page.getByTestId('role')).toHaveText('Plant operator')
  const plant = page.getByTestId('plant-planta-1')
  await expect(plant.getByRole('heading', { level: 2, name: /Planta 1/ })).toBeVisible()
  // operator@demo.local may see planta-1 only.
  await expect(page.getByTestId('plant-planta-2')).toHaveCount(0)
  await expect(page.getByTestId('live')).toHaveText('Live')
  // The simulator's gateway (tests add gateways of their own, offline ones too, to this plant).
  await expect(plant.getByTestId('gateway').filter({ hasText: /granix-ba-gw-/ }).getByTestId('gateway-status').first()).toHaveText('Online')
  // The simulator's values, from the stored latest values and then the live stream.
  await expect(plant.locator('[data-testid^="value-"]').first()).toBeVisible({ timeout: 15_000 })
  // No machine:manage for operators: neither the section nor the badge.
  await expect(nav(page).getByRole('link', { name: 'Pending machines' })).toHaveCount(0)
  await expect(page.getByTestId('pending-badge')).toHaveCount(0)
  await screenshot(page, testInfo, 'overview')
})

test('a gateway going offline shows offline without a reload', async ({ page, request }) => {
  const { brokerUrl } = await platform(request)
  const topic = 'ops/granix/ba/planta-1/gateway/e2e-gateway/status'
  const health = { internet: 'ok', mqtt: 'ok', plcLink: 'ok', buffer: { mode: 'disk', queuedMessages: 0 } }
  await publish(brokerUrl, topic, { schemaVersion: 1, timestamp: Date.now(), state: 'online', gateway: { thingName: 'e2e-gateway', version: '9.9.9', uptimeSec: 60 }, health })
  await signIn(page, 'admin@demo.local')
  const card = page.getByTestId('gateway').filter({ hasText: 'e2e-gateway' })
  await expect(card.getByTestId('gateway-status')).toHaveText('Online')
  await publish(brokerUrl, topic, { schemaVersion: 1, timestamp: Date.now(), state: 'offline', reason: 'unexpected_disconnect' })
  await expect(card.getByTestId('gateway-status')).toHaveText('Offline', { timeout: 3_000 })
})

test('a viewer sees no admin navigation or button, and the API refuses them anyway', async ({ page, request }) => {
  await signIn(page, 'viewer@demo.local')
  await expect(page.getByTestId('role')).toHaveText('Viewer')
  // Alarms are for every role (viewers read them); nothing that administers.
  await expect(nav(page).getByRole('link')).toHaveText(['Overview', /^Alarms/])
  await expect(page.getByTestId('pending-badge')).toHaveCount(0)
  // A PLC without a dashboard: no offer to create one.
  await page.goto('/plants/planta-1/machine-1-3')
  await expect(page.getByText('This PLC has no dashboard yet.')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Create dashboard' })).toHaveCount(0)
  const token = await idToken(request, 'viewer@demo.local')
  const headers = { authorization: `Bearer ${token}` }
  expect((await request.post('/api/admin/plcs/machine-1-3/dashboard', { headers, data: { site: 'planta-1', name: 'x' } })).status()).toBe(403)
  expect((await request.post('/api/machines/planta-1/machine-1-3/approve', { headers, data: {} })).status()).toBe(403)
})

test('an admin sees the pending machines and approves one', async ({ page, request }, testInfo) => {
  await signIn(page, 'admin@demo.local')
  await expect(page.getByTestId('role')).toHaveText('Admin')
  await expect(page.getByTestId('pending-badge')).toBeVisible()
  await nav(page).getByRole('link', { name: 'Pending machines' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Pending machines' })).toBeVisible()
  const row = page.getByRole('row').filter({ hasText: 'plc-06' })
  await screenshot(page, testInfo, 'pending-machines')
  await row.getByRole('button', { name: 'Approve' }).click()
  await expect(page.getByText('plc-06 approved')).toBeVisible()
  await expect(row).toHaveCount(0)
  const token = await idToken(request, 'admin@demo.local')
  const plc = await (await request.get('/api/plcs/planta-1/plc-06', { headers: { authorization: `Bearer ${token}` } })).json() as { status: string }
  expect(plc.status).toBe('active')
})
