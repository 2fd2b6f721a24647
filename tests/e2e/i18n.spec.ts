import { expect, screenshot, signIn, test } from './support'

test('switching to Spanish translates the page and sticks after a reload', async ({ page }, testInfo) => {
  await signIn(page, 'operator@demo.local')
  await page.getByRole('combobox', { name: 'Language' }).click()
  await page.getByRole('option', { name: 'Español' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Resumen de plantas' })).toBeVisible()
  await expect(page.getByTestId('role')).toHaveText('Operador de planta')
  await expect(page.getByRole('button', { name: 'Cerrar sesión' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'es')
  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: 'Resumen de plantas' })).toBeVisible()
  await screenshot(page, testInfo, 'overview-es')
})

test.describe('with a Spanish browser', () => {
  test.use({ locale: 'es-ES' })

  test('the login page is in Spanish from the start', async ({ page }) => {
    await page.goto('/login')
    await expect(page.getByRole('button', { name: 'Entrar' })).toBeVisible()
    await expect(page.getByLabel('Contraseña')).toBeVisible()
  })
})
