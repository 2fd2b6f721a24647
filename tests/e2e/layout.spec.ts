import { expect, screenshot, signIn, test } from './support'

test.describe('on a 1024×768 tablet', () => {
  test.use({ viewport: { width: 1024, height: 768 } })

  test('the theme is dark by default, switches to light and stays light after a reload', async ({ page }, testInfo) => {
    await signIn(page, 'manager@demo.local')
    const html = page.locator('html')
    await expect(html).toHaveClass(/app-dark/)
    // Nothing wider than the screen, and the top bar in one row.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024)
    expect((await page.getByRole('banner').boundingBox())!.height).toBeLessThan(64)
    await screenshot(page, testInfo, 'overview-tablet-dark')
    await page.getByRole('button', { name: 'Switch to light theme' }).click()
    await expect(html).not.toHaveClass(/app-dark/)
    await page.reload()
    await expect(page.getByRole('button', { name: 'Switch to dark theme' })).toBeVisible()
    await expect(html).not.toHaveClass(/app-dark/)
    await screenshot(page, testInfo, 'overview-tablet-light')
  })
})

test('signing out ends the session and protects the pages again', async ({ page }) => {
  await signIn(page, 'viewer@demo.local')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/login$/)
  await page.goto('/plants/planta-1/machine-1-1')
  await expect(page).toHaveURL(/\/login\?next=/)
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
})

test('a viewer who opens an admin page by its address is taken to the overview', async ({ page }) => {
  await signIn(page, 'viewer@demo.local')
  for (const path of ['/admin/alarm-rules', '/admin/machines', '/admin/audit']) {
    await page.goto(path)
    await expect(page).toHaveURL(/\/$/)
    await expect(page.getByTestId('email')).toHaveText('viewer@demo.local')
  }
})
