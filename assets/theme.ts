import Aura from '@primeuix/themes/aura'
import { definePreset } from '@primeuix/themes'

/**
 * PrimeVue theme: Aura with a sky-blue primary, which stays readable on the dark control-room
 * background. Dark mode follows the `app-dark` class on <html> (useTheme), not the OS setting, so
 * a wall screen stays dark whatever the machine prefers.
 */
export default {
  preset: definePreset(Aura, {
    semantic: {
      primary: {
        50: '{sky.50}', 100: '{sky.100}', 200: '{sky.200}', 300: '{sky.300}', 400: '{sky.400}', 500: '{sky.500}',
        600: '{sky.600}', 700: '{sky.700}', 800: '{sky.800}', 900: '{sky.900}', 950: '{sky.950}'
      }
    }
  }),
  options: { darkModeSelector: '.app-dark' }
}
