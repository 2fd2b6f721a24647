import type { Dashboard, Widget } from './usePlcDashboard'
import type { WidgetInput } from '~/utils/widgets'

/**
 * The builder of one dashboard: its widgets in a working order (drag or move, then "Save order"),
 * and add, edit and delete through the admin API. `onChange` gets the saved widgets after each call.
 */
export function useDashboardBuilder(dashboard: () => Dashboard, onChange: (widgets: Widget[]) => void) {
  const api = useApi()
  const base = computed(() => `/api/admin/dashboards/${encodeURIComponent(dashboard().id)}/widgets`)
  const saved = computed(() => dashboard().widgets)
  const order = ref<Widget[]>([...saved.value])
  const savingOrder = ref(false)

  // After a save elsewhere: the working order keeps its moves, with fresh widgets, new ones last.
  watch(saved, (widgets) => {
    const byId = new Map(widgets.map(w => [w.id, w]))
    const kept = order.value.flatMap(w => byId.get(w.id) ?? [])
    order.value = [...kept, ...widgets.filter(w => !kept.some(k => k.id === w.id))]
  })

  const dirty = computed(() => order.value.map(w => w.id).join() !== saved.value.map(w => w.id).join())

  /** Moves a widget `delta` places (the keyboard's way to reorder). */
  function move(index: number, delta: number): void {
    const to = index + delta
    if (to < 0 || to >= order.value.length) return
    const next = [...order.value]
    next.splice(to, 0, ...next.splice(index, 1))
    order.value = next
  }

  function resetOrder(): void {
    order.value = [...saved.value]
  }

  async function saveOrder(): Promise<void> {
    savingOrder.value = true
    try {
      const res = await api<{ widgets: Widget[] }>(`${base.value}/reorder`, { method: 'POST', body: { widget_ids: order.value.map(w => w.id) } })
      onChange(res.widgets)
      order.value = [...res.widgets]
    } finally {
      savingOrder.value = false
    }
  }

  /** Adds (no id) or changes a widget; throws the server's refusal for the form. */
  async function save(input: WidgetInput, id?: string): Promise<Widget> {
    if (!id) {
      const added = await api<Widget>(base.value, { method: 'POST', body: input })
      onChange([...saved.value, added])
      return added
    }
    const changed = await api<Widget>(`${base.value}/${encodeURIComponent(id)}`, { method: 'PATCH', body: input })
    onChange(saved.value.map(w => w.id === id ? changed : w))
    return changed
  }

  async function remove(widget: Widget): Promise<void> {
    await api(`${base.value}/${encodeURIComponent(widget.id)}`, { method: 'DELETE' })
    onChange(saved.value.filter(w => w.id !== widget.id))
  }

  return { order, dirty, savingOrder, move, resetOrder, saveOrder, save, remove }
}
