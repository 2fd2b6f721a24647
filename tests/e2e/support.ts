import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { expect, test as base, type APIRequestContext, type Page, type TestInfo } from '@playwright/test'
import mqtt from 'mqtt'
import { DEMO_PASSWORD } from '../../server/auth/demo-users'

/** Playwright's test, failing any test whose page threw an uncaught error. */
export const test = base.extend<{ pageErrors: undefined }>({
  pageErrors: [async ({ page }, use) => {
    const errors: string[] = []
    page.on('pageerror', e => errors.push(e.message))
    await use(undefined)
    expect(errors, 'uncaught errors in the page').toEqual([])
  }, { auto: true }]
})
export { expect }

interface Health { parts: { mqtt: { brokerUrl: string }, auth: { emulatorUrl: string } } }

/** Where the built server's embedded broker and Auth emulator listen (they take free ports). */
export async function platform(request: APIRequestContext): Promise<{ brokerUrl: string, emulatorUrl: string }> {
  const res = await request.get('/health')
  expect(res.status()).toBe(200)
  const { parts } = await res.json() as Health
  return { brokerUrl: parts.mqtt.brokerUrl, emulatorUrl: parts.auth.emulatorUrl }
}

/** Signs a demo user in through the login page and waits for the overview. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('email')).toHaveText(email)
}

/** An ID token of a demo user from the Auth emulator, for calls to the API outside the browser. */
export async function idToken(request: APIRequestContext, email: string): Promise<string> {
  const { emulatorUrl } = await platform(request)
  const res = await request.post(`${emulatorUrl}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any`, {
    data: { email, password: DEMO_PASSWORD, returnSecureToken: true }
  })
  expect(res.status()).toBe(200)
  return (await res.json() as { idToken: string }).idToken
}

/** Publishes one message at QoS 1 to the embedded broker (aedes speaks MQTT 3.1.1 only). */
export async function publish(brokerUrl: string, topic: string, payload: object): Promise<void> {
  const client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, clientId: `e2e-${Date.now()}-${Math.random().toString(16).slice(2)}` })
  try {
    await client.publishAsync(topic, JSON.stringify(payload), { qos: 1 })
  } finally {
    await client.endAsync()
  }
}

/**
 * A full-page screenshot as a test artifact; with E2E_DOCS_SCREENSHOTS=1 also into docs/screenshots
 * for the README (not on every CI run, so the tree stays clean).
 */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const shot = await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true })
  await testInfo.attach(name, { body: shot, contentType: 'image/png' })
  if (process.env.E2E_DOCS_SCREENSHOTS === '1') {
    const dir = resolve(import.meta.dirname, '../../docs/screenshots')
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: resolve(dir, `${name}.png`), fullPage: true })
  }
}
