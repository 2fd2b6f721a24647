/**
 * An action a page runs for the user (delete, load more…): a busy flag while it runs, a toast when
 * it worked (if there is something to say) and the server's own words in a toast when it did not.
 * Resolves to whether it worked, so the caller can close its dialog. `key` names what it runs on (a
 * row's id) for a page that shows which row is busy.
 */
export function useAction() {
  const toast = useToast()
  const { t } = useI18n()
  const busy = ref(false)
  const busyKey = ref<string | null>(null)

  async function run(work: () => Promise<unknown>, success?: () => string, key?: string): Promise<boolean> {
    busy.value = true
    busyKey.value = key ?? null
    try {
      await work()
      if (success) toast.add({ severity: 'success', summary: success(), life: 3000 })
      return true
    } catch (err) {
      toast.add({ severity: 'error', summary: t('app.error', { message: apiErrorMessage(err) }), life: 8000 })
      return false
    } finally {
      busy.value = false
      busyKey.value = null
    }
  }

  return { busy, busyKey, run }
}
