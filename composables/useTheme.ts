const STORAGE_KEY = 'pt_theme'

const apply = (dark: boolean) => document.documentElement.classList.toggle('app-dark', dark)

/**
 * Dark (the default: control rooms are dim) or light theme, kept in localStorage. PrimeVue and
 * app.css switch on the `app-dark` class of <html>.
 */
export function useTheme() {
  const dark = useState('theme-dark', () => {
    const saved = localStorage.getItem(STORAGE_KEY) !== 'light'
    apply(saved)
    return saved
  })
  const toggle = () => {
    dark.value = !dark.value
    apply(dark.value)
    localStorage.setItem(STORAGE_KEY, dark.value ? 'dark' : 'light')
  }
  return { dark, toggle }
}
