/**
 * A dialog form's submission: a saving flag while it runs, the server's refusal shown under the
 * fields it names (`toErrors`: the 422's issues or the one field a 404/409 names, by default) and
 * anything else as one failure message above the form.
 */
export function useFormSubmit(toErrors: (err: unknown) => Record<string, string> = fieldErrors) {
  const errors = ref<Record<string, string>>({})
  const failure = ref<string | null>(null)
  const saving = ref(false)

  /** Clears what the last attempt reported (when the dialog opens again). */
  function reset() {
    errors.value = {}
    failure.value = null
  }

  async function attempt(work: () => Promise<unknown>): Promise<void> {
    saving.value = true
    reset()
    try {
      await work()
    } catch (err) {
      errors.value = toErrors(err)
      if (!Object.keys(errors.value).length) failure.value = apiErrorMessage(err)
    } finally {
      saving.value = false
    }
  }

  return { errors, failure, saving, reset, attempt }
}
