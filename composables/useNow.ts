/** The current time (epoch ms), ticking every `ms` while the component lives: drives "ago" labels and staleness. */
export function useNow(ms = 1000) {
  const now = ref(Date.now())
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    timer = setInterval(() => {
      now.value = Date.now()
    }, ms)
  })
  onBeforeUnmount(() => clearInterval(timer))
  return now
}
