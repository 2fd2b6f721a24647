import type { APIRequestContext, Locator, Page } from '@playwright/test'
import jsQR from 'jsqr'
import { PNG } from 'pngjs'
import { DEMO_PASSWORD } from '../../server/auth/demo-users'
import { expect, idToken, platform, publish, screenshot, signIn, test } from './support'

const RUN = Date.now().toString(36)
const nav = (page: Page) => page.getByRole('navigation', { name: 'Main navigation' })
const rowOf = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text })

async function api(request: APIRequestContext, email: string) {
  return { authorization: `Bearer ${await idToken(request, email)}` }
}

/** Picks an option of a PrimeVue Select opened by its label. */
async function pick(page: Page, scope: Locator, label: string, option: string | RegExp): Promise<void> {
  await scope.getByLabel(label, { exact: true }).click()
  await page.getByRole('option', { name: option }).click()
}

test.describe.serial('users', () => {
  const email = `e2e-viewer-${RUN}@demo.local`

  test('an admin invites a viewer limited to one plant; a bad email is refused on the field', async ({ page, request }, testInfo) => {
    await signIn(page, 'admin@demo.local')
    await nav(page).getByRole('link', { name: 'Users' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible()
    await expect(rowOf(page, 'admin@demo.local')).toContainText('you')
    await page.getByRole('button', { name: 'New user' }).click()
    const dialog = page.getByRole('dialog', { name: 'Invite a user' })
    await dialog.getByLabel('Email').fill('not-an-email')
    await pick(page, dialog, 'Role', 'Viewer')
    await dialog.getByRole('button', { name: 'Invite' }).click()
    // The server's 422 (zod's message), under the field it names.
    await expect(dialog.getByTestId('user-email-error')).toHaveText(/email/i)
    await expect(dialog.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true')
    await screenshot(page, testInfo, 'user-form')

    await dialog.getByLabel('Email').fill(email)
    await dialog.getByLabel('Only these plants').check()
    await dialog.getByText('Pick plants').click()
    await page.getByRole('option', { name: 'Planta 1 (planta-1)' }).click()
    await page.keyboard.press('Escape')
    await dialog.getByRole('button', { name: 'Invite' }).click()
    await expect(page.getByText(`${email} invited`)).toBeVisible()
    // No password given: the server's link to set one, shown once.
    const linkDialog = page.getByRole('dialog', { name: 'Password link' })
    const link = await linkDialog.getByLabel('Link to set the password').inputValue()
    expect(link).toMatch(/mode=resetPassword/)
    await linkDialog.getByRole('button', { name: 'Done' }).click()
    const row = rowOf(page, email)
    await expect(row).toContainText('Viewer')
    await expect(row).toContainText('planta-1')
    await screenshot(page, testInfo, 'users')

    // The link works: the user sets a password with it and, signed in, sees planta-1 only.
    const { emulatorUrl } = await platform(request)
    const oobCode = new URL(link).searchParams.get('oobCode')
    const reset = await request.post(`${emulatorUrl}/identitytoolkit.googleapis.com/v1/accounts:resetPassword?key=any`, { data: { oobCode, newPassword: DEMO_PASSWORD } })
    expect(reset.status()).toBe(200)
    const headers = await api(request, email)
    const sites = await (await request.get('/api/sites', { headers })).json() as { site: string }[]
    expect(sites.map(s => s.site)).toEqual(['planta-1'])
  })

  test('the admin changes the viewer\'s role, cannot demote themselves (the server says why), and removes the user', async ({ page, request }) => {
    await signIn(page, 'admin@demo.local')
    await page.goto('/admin/users')
    const row = rowOf(page, email)
    await row.getByRole('button', { name: `Change user ${email}` }).click()
    const dialog = page.getByRole('dialog', { name: `Change ${email}` })
    await expect(dialog.getByLabel('Only these plants')).toBeChecked()
    await pick(page, dialog, 'Role', 'Plant operator')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await expect(page.getByText(`${email} changed`)).toBeVisible()
    await expect(row).toContainText('Plant operator')
    await expect(row).toContainText('planta-1')

    // granix has one admin: demoting them would leave it without one.
    await rowOf(page, 'admin@demo.local').getByRole('button', { name: 'Change user admin@demo.local' }).click()
    const self = page.getByRole('dialog', { name: 'Change admin@demo.local' })
    await pick(page, self, 'Role', 'Viewer')
    await self.getByRole('button', { name: 'Save' }).click()
    await expect(self.getByRole('alert')).toHaveText(/last admin/)
    await self.getByRole('button', { name: 'Cancel' }).click()
    await expect(rowOf(page, 'admin@demo.local')).toContainText('Admin')

    await row.getByRole('button', { name: `Remove user ${email}` }).click()
    const confirm = page.getByRole('dialog', { name: 'Remove user' })
    await expect(confirm).toContainText(`Remove ${email}?`)
    await confirm.getByRole('button', { name: 'Remove' }).click()
    await expect(page.getByText(`${email} removed`)).toBeVisible()
    await expect(row).toHaveCount(0)
    const users = await (await request.get('/api/users', { headers: await api(request, 'admin@demo.local'), params: { limit: 500 } })).json() as { items: { email: string }[] }
    expect(users.items.map(u => u.email)).not.toContain(email)
    // Their sign-in account went with them.
    const { emulatorUrl } = await platform(request)
    const signInAgain = await request.post(`${emulatorUrl}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any`, { data: { email, password: DEMO_PASSWORD, returnSecureToken: true } })
    expect(signInAgain.status()).toBe(400)
  })

  test('more users than a page: the list comes a server page at a time; search and role filter are the server\'s', async ({ page, request }) => {
    test.setTimeout(120_000)
    const headers = await api(request, 'admin@demo.local')
    const bulk = Array.from({ length: 101 }, (_, i) => `e2e-bulk-${RUN}-${String(i).padStart(3, '0')}@demo.local`)
    for (let i = 0; i < bulk.length; i += 10) {
      await Promise.all(bulk.slice(i, i + 10).map(async (e) => {
        const res = await request.post('/api/users', { headers, data: { email: e, role: 'viewer', password: 'bulk-password' } })
        expect(res.status()).toBe(201)
      }))
    }
    try {
      await signIn(page, 'admin@demo.local')
      await page.goto('/admin/users')
      const shown = page.getByRole('status').filter({ hasText: 'shown' })
      // Each list is a server round trip of 100 users: give a busy machine time (the default is 5 s).
      const slow = { timeout: 20_000 }
      await expect(shown).toHaveText('100 shown', slow)
      await expect(page.getByRole('row')).toHaveCount(101)
      await page.getByRole('button', { name: 'Load more' }).click()
      await expect(shown).toHaveText(/^10[1-9] shown$/, slow)
      await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0)
      await expect(rowOf(page, 'viewer@demo.local')).toHaveCount(1)
      // The search is the server's too: 050 to 059.
      await page.getByRole('searchbox', { name: 'Search by email' }).fill(`bulk-${RUN}-05`)
      await expect(shown).toHaveText('10 shown', slow)
      await expect(page.getByRole('row').filter({ hasText: `e2e-bulk-${RUN}-05` })).toHaveCount(10)
      await page.getByRole('searchbox', { name: 'Search by email' }).fill('')
      await expect(shown).toHaveText('100 shown', slow)
      // By role, on the server: managers are one, viewers more than a page again.
      await page.getByLabel('Role', { exact: true }).click()
      await page.getByRole('option', { name: 'Manager' }).click()
      await expect(shown).toHaveText('1 shown', slow)
      await expect(rowOf(page, 'manager@demo.local')).toHaveCount(1)
      await page.getByLabel('Role', { exact: true }).click()
      await page.getByRole('option', { name: 'Viewer' }).click()
      await expect(shown).toHaveText('100 shown', slow)
      await expect(page.getByRole('button', { name: 'Load more' })).toBeVisible()
    } finally {
      const list = await (await request.get('/api/users', { headers, params: { limit: 500 } })).json() as { items: { id: string, email: string }[] }
      for (const u of list.items.filter(u => bulk.includes(u.email))) {
        expect((await request.delete(`/api/users/${u.id}`, { headers })).status()).toBe(204)
      }
    }
  })
})

test('an admin creates, renames and deletes a plant; deleting one with machines needs its site typed', async ({ page, request }, testInfo) => {
  const site = `e2e-plant-${RUN}`
  await signIn(page, 'admin@demo.local')
  await nav(page).getByRole('link', { name: 'Plants' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Plants' })).toBeVisible()
  await expect(rowOf(page, 'planta-1')).toContainText('Planta 1')
  await page.getByRole('button', { name: 'New plant' }).click()
  const dialog = page.getByRole('dialog', { name: 'New plant' })
  await dialog.getByLabel('Site').fill('Bad Site!')
  await dialog.getByLabel('Name').fill('E2E plant')
  await dialog.getByLabel('Province').fill('ba')
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(dialog.getByTestId('plant-slug-error')).toHaveText(/lower-case letters/)
  await dialog.getByLabel('Site').fill(site)
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText('Plant “E2E plant” created')).toBeVisible()
  const row = rowOf(page, site)
  await expect(row).toContainText('E2E plant')
  await expect(dialog).toBeHidden()
  await screenshot(page, testInfo, 'plants')

  await row.getByRole('button', { name: 'Edit plant E2E plant' }).click()
  const edit = page.getByRole('dialog', { name: 'Edit E2E plant' })
  await expect(edit.getByLabel('Site')).toBeDisabled()
  await edit.getByLabel('Name').fill('E2E plant renamed')
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText('Plant “E2E plant renamed” saved')).toBeVisible()
  await expect(row).toContainText('E2E plant renamed')

  // A gateway of the new plant sends: its messages are accepted and its machine waits, pending.
  const { brokerUrl } = await platform(request)
  await publish(brokerUrl, `factory/granix/ba/${site}/gateway/e2e-gw-${RUN}/telemetry`, {
    schemaVersion: 1, timestamp: Date.now(), type: 'telemetry', gatewayId: `e2e-gw-${RUN}`, plcId: 'e2e-plc', metricId: 'level', value: 1, quality: 'GOOD'
  })
  const headers = await api(request, 'admin@demo.local')
  await expect.poll(async () => (await request.get(`/api/plcs/${site}/e2e-plc`, { headers })).status()).toBe(200)
  await page.reload()
  await expect(row).toContainText('1 pending')
  await row.getByRole('button', { name: 'Delete plant E2E plant renamed' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete plant' })
  await expect(confirm.getByTestId('plant-delete-warning')).toContainText('It has 1 gateway(s) and 1 machine(s). They are deleted with it, with all their stored values')
  const yes = confirm.getByRole('button', { name: 'Delete' })
  await expect(yes).toBeDisabled()
  await confirm.getByLabel(`Type ${site} to confirm`).fill(site)
  await yes.click()
  await expect(page.getByText('Plant “E2E plant renamed” deleted')).toBeVisible()
  await expect(row).toHaveCount(0)
  expect((await request.get(`/api/plcs/${site}`, { headers })).status()).toBe(404)
})

test('the platform admin creates, renames and deletes a tenant', async ({ page, request }, testInfo) => {
  const tenant = `e2e-${RUN}`
  await signIn(page, 'platform@demo.local')
  await nav(page).getByRole('link', { name: 'Tenants' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Tenants' })).toBeVisible()
  await expect(rowOf(page, 'granix')).toBeVisible()
  await page.getByRole('button', { name: 'New tenant' }).click()
  const dialog = page.getByRole('dialog', { name: 'New tenant' })
  await dialog.getByLabel('Tenant id').fill(tenant)
  await dialog.getByLabel('Name').fill('E2E tenant')
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText('Tenant “E2E tenant” created')).toBeVisible()
  const row = rowOf(page, tenant)
  await expect(row).toContainText('E2E tenant')
  await expect(dialog).toBeHidden()
  await screenshot(page, testInfo, 'tenants')
  // The slug is taken now: a second one is refused with the server's reason.
  await page.getByRole('button', { name: 'New tenant' }).click()
  await dialog.getByLabel('Tenant id').fill(tenant)
  await dialog.getByLabel('Name').fill('Again')
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(dialog.getByRole('alert')).toHaveText(`Tenant "${tenant}" exists already`)
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  await row.getByRole('button', { name: 'Rename tenant E2E tenant' }).click()
  const edit = page.getByRole('dialog', { name: 'Rename E2E tenant' })
  await edit.getByLabel('Name').fill('E2E tenant renamed')
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText('Tenant “E2E tenant renamed” renamed')).toBeVisible()
  await expect(row).toContainText('E2E tenant renamed')

  await row.getByRole('button', { name: 'Delete tenant E2E tenant renamed' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete tenant' })
  await expect(confirm).toContainText('It has no plants or users.')
  await confirm.getByRole('button', { name: 'Delete' }).click()
  await expect(page.getByText('Tenant “E2E tenant renamed” deleted')).toBeVisible()
  await expect(row).toHaveCount(0)
  const tenants = await (await request.get('/api/tenants', { headers: await api(request, 'platform@demo.local') })).json() as { items: { tenant: string }[] }
  expect(tenants.items.map(t => t.tenant)).not.toContain(tenant)
})

test('the platform admin invites a user into another tenant, with that tenant\'s plants', async ({ page, request }) => {
  const email = `e2e-other-${RUN}@other.local`
  await signIn(page, 'platform@demo.local')
  await page.goto('/admin/users')
  await page.getByRole('button', { name: 'New user' }).click()
  const dialog = page.getByRole('dialog', { name: 'Invite a user' })
  await dialog.getByLabel('Email').fill(email)
  await dialog.getByLabel('Password', { exact: true }).fill('e2e-password')
  // No tenant: the server says a platform admin must name one.
  await dialog.getByRole('button', { name: 'Invite' }).click()
  await expect(dialog.getByTestId('user-tenant-error')).toHaveText(/required for a platform admin/)
  await pick(page, dialog, 'Tenant', /\(other\)$/)
  await dialog.getByLabel('Only these plants').check()
  await dialog.getByText('Pick plants').click()
  // Only the picked tenant's plants are offered.
  await expect(page.getByRole('option', { name: /planta-1/ })).toHaveCount(0)
  await page.getByRole('option', { name: /\(planta-norte\)$/ }).click()
  await page.keyboard.press('Escape')
  await dialog.getByRole('button', { name: 'Invite' }).click()
  await expect(page.getByText(`${email} invited`)).toBeVisible()
  // A password was given: no link to pass on.
  await expect(page.getByRole('dialog', { name: 'Password link' })).toHaveCount(0)
  const row = rowOf(page, email)
  await expect(row).toContainText('other')
  await expect(row).toContainText('planta-norte')
  const headers = await api(request, 'admin@other.local')
  const theirs = await (await request.get('/api/users', { headers, params: { q: email } })).json() as { items: { email: string, plants: string[] }[] }
  expect(theirs.items).toEqual([expect.objectContaining({ email, plants: ['planta-norte'] })])
  await row.getByRole('button', { name: `Remove user ${email}` }).click()
  await page.getByRole('dialog', { name: 'Remove user' }).getByRole('button', { name: 'Remove' }).click()
  await expect(row).toHaveCount(0)
})

for (const email of ['viewer@demo.local', 'operator@demo.local']) {
  test(`${email.split('@')[0]}: no users, plants or tenants in the navigation, sent away from their addresses, refused by the API`, async ({ page, request }) => {
    await signIn(page, email)
    await expect(nav(page).getByRole('link', { name: 'Overview' })).toBeVisible()
    for (const name of ['Users', 'Plants', 'Tenants']) await expect(nav(page).getByRole('link', { name })).toHaveCount(0)
    for (const path of ['/admin/users', '/admin/plants', '/admin/tenants']) {
      await page.goto(path)
      await expect(page).toHaveURL(/\/$/)
      await expect(page.getByRole('heading', { level: 1, name: 'Plant overview' })).toBeVisible()
    }
    const headers = await api(request, email)
    expect((await request.get('/api/users', { headers })).status()).toBe(403)
    expect((await request.post('/api/users', { headers, data: { email: `x-${RUN}@demo.local`, role: 'admin' } })).status()).toBe(403)
    expect((await request.post('/api/plants', { headers, data: { slug: `x-${RUN}`, name: 'x', province: 'ba' } })).status()).toBe(403)
    expect((await request.delete('/api/plants/planta-1', { headers })).status()).toBe(403)
    expect((await request.get('/api/tenants', { headers })).status()).toBe(403)
    expect((await request.post('/api/tenants', { headers, data: { tenant: `x-${RUN}`, name: 'x' } })).status()).toBe(403)
  })
}

test('a tenant admin has no tenants page: not in the navigation, sent away, refused by the API', async ({ page, request }) => {
  await signIn(page, 'admin@demo.local')
  await expect(nav(page).getByRole('link', { name: 'Users' })).toBeVisible()
  // Seven sections at 1280 px: icons, and the bar keeps the user's controls on screen in one row.
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeInViewport({ ratio: 1 })
  expect((await page.getByRole('banner').boundingBox())!.height).toBeLessThan(64)
  await expect(nav(page).getByRole('link', { name: 'Tenants' })).toHaveCount(0)
  await page.goto('/admin/tenants')
  await expect(page).toHaveURL(/\/$/)
  expect((await request.get('/api/tenants', { headers: await api(request, 'admin@demo.local') })).status()).toBe(403)
})

test('a pending machine\'s claim code shows as a QR; its link opens the claim form, which claims the machine', async ({ page, request }, testInfo) => {
  const gateway = `e2e-claim-gw-${RUN}`
  const plc = `e2e-claim-plc-${RUN}`
  const code = `${gateway}/${plc}`
  const { brokerUrl } = await platform(request)
  // On planta-2: a gateway of its own on planta-1 would be the first card of the operator's overview.
  await publish(brokerUrl, `factory/granix/ba/planta-2/gateway/${gateway}/telemetry`, {
    schemaVersion: 1, timestamp: Date.now(), type: 'telemetry', gatewayId: gateway, plcId: plc, metricId: 'level', value: 1, quality: 'GOOD'
  })
  const headers = await api(request, 'admin@demo.local')
  await expect.poll(async () => (await request.get(`/api/plcs/planta-2/${plc}`, { headers })).status()).toBe(200)

  await signIn(page, 'admin@demo.local')
  await nav(page).getByRole('link', { name: 'Pending machines' }).click()
  const row = rowOf(page, plc)
  await expect(row).toContainText(code)
  await row.getByRole('button', { name: `Show QR of ${plc}` }).click()
  const dialog = page.getByRole('dialog', { name: `Claim code of ${plc}` })
  const qr = dialog.getByRole('img', { name: `QR code of claim code ${code}` })
  await expect(qr).toBeVisible()
  await expect(dialog.getByTestId('claim-code')).toHaveText(code)
  await screenshot(page, testInfo, 'claim-qr')
  // Read back as a scanner would: from the pixels on screen.
  const png = PNG.sync.read(await qr.screenshot())
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)
  expect(decoded?.data).toBe(new URL(`/admin/machines?claim=${encodeURIComponent(code)}&site=planta-2`, page.url()).toString())
  await page.keyboard.press('Escape')

  // The link (what a phone's camera opens) brings up the claim form with the code and plant filled in.
  await page.goto(decoded!.data)
  const claim = page.getByRole('dialog', { name: 'Claim a machine' })
  await expect(claim.getByLabel('Claim code')).toHaveValue(code)
  await expect(claim.getByLabel('Plant')).toHaveText('Planta 2 (planta-2)')
  // A code the site does not know is refused under the field.
  await claim.getByLabel('Claim code').fill(`${gateway}/no-such-plc`)
  await claim.getByRole('button', { name: 'Claim' }).click()
  await expect(claim.getByTestId('claim-code-error')).toHaveText('No machine of site "planta-2" has this claim code')
  // Pasting the link takes its code too.
  await claim.getByLabel('Claim code').fill(decoded!.data)
  await expect(claim.getByLabel('Claim code')).toHaveValue(code)
  await claim.getByLabel('Name').fill('Claimed by QR')
  await claim.getByRole('button', { name: 'Claim' }).click()
  await expect(page.getByText(`${plc} claimed`)).toBeVisible()
  await expect(row).toHaveCount(0)
  const machine = await (await request.get(`/api/plcs/planta-2/${plc}`, { headers })).json() as { status: string, name: string }
  expect(machine).toMatchObject({ status: 'active', name: 'Claimed by QR' })
})

test.describe('on a 1024×768 tablet', () => {
  test.use({ viewport: { width: 1024, height: 768 } })

  test('the users, plants and tenants pages fit the screen and the top bar stays one row, dark and light', async ({ page }, testInfo) => {
    await signIn(page, 'platform@demo.local')
    for (const [path, heading] of [['/admin/users', 'Users'], ['/admin/plants', 'Plants'], ['/admin/tenants', 'Tenants']] as const) {
      await page.goto(path)
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible()
      await expect(page.getByRole('row').nth(1)).toBeVisible()
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024)
      expect((await page.getByRole('banner').boundingBox())!.height).toBeLessThan(64)
    }
    await page.goto('/admin/users')
    await expect(rowOf(page, 'granix')).not.toHaveCount(0)
    // Dark by default; the table follows the switch to light (once PrimeVue's colour transitions end).
    const cell = rowOf(page, 'viewer@demo.local').getByRole('cell').first()
    const lightness = () => cell.evaluate((el) => {
      let node: Element | null = el
      let bg = 'rgba(0, 0, 0, 0)'
      while (node && /rgba\(.*, 0\)|transparent/.test(bg)) {
        bg = getComputedStyle(node).backgroundColor
        node = node.parentElement
      }
      const [r = 0, g = 0, b = 0] = (bg.match(/\d+(\.\d+)?/g) ?? []).map(Number)
      return (r + g + b) / 3
    })
    await expect.poll(lightness).toBeLessThan(80)
    await page.getByRole('button', { name: 'Switch to light theme' }).click()
    await expect.poll(lightness).toBeGreaterThan(200)
    await screenshot(page, testInfo, 'users-tablet-light')
  })
})

test('in Spanish: the sections, the pages and their dialogs', async ({ page }) => {
  await signIn(page, 'platform@demo.local')
  await page.getByRole('combobox', { name: 'Language' }).click()
  await page.getByRole('option', { name: 'Español' }).click()
  const navEs = page.getByRole('navigation', { name: 'Navegación principal' })
  await navEs.getByRole('link', { name: 'Usuarios' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Usuarios' })).toBeVisible()
  await page.getByRole('button', { name: 'Nuevo usuario' }).click()
  const dialog = page.getByRole('dialog', { name: 'Invitar a un usuario' })
  await expect(dialog.getByLabel('Correo electrónico')).toBeVisible()
  await expect(dialog.getByRole('group', { name: 'Acceso a plantas' })).toBeVisible()
  await dialog.getByRole('button', { name: 'Cancelar' }).click()
  await navEs.getByRole('link', { name: 'Plantas' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Plantas' })).toBeVisible()
  await expect(page.getByRole('columnheader', { name: 'Provincia' })).toBeVisible()
  await navEs.getByRole('link', { name: 'Clientes' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Clientes' })).toBeVisible()
  await navEs.getByRole('link', { name: 'Máquinas pendientes' }).click()
  await expect(page.getByRole('button', { name: 'Dar de alta por código' })).toBeVisible()
})
