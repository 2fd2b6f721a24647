/**
 * An action a page runs for the user (delete, load more…): a busy flag while it runs, a toast when
 * it worked (if there is something to say) and the server's own words in a toast when it did not.
 * Resolves to whether it worked, so the caller can close its dialog.
 */
export function useAction() {
  const toast = useToast()
  const { t } = useI18n()
  const busy = ref(false)

  async function run(work: () => Promise<unknown>, success?: () => string): Promise<boolean> {
    busy.value = true
    try {
      await work()
      if (success) toast.add({ severity: 'success', summary: success(), life: 3000 })
      return true
    } catch (err) {
      toast.add({ severity: 'error', summary: t('app.error', { message: apiErrorMessage(err) }), life: 8000 })
      return false
    } finally {
      busy.value = false
    }
  }

  return { busy, run }
}
