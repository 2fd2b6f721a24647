import { describe, expect, it } from 'vitest'
import { widgetTypes as SERVER_TYPES } from '../../server/admin/dashboard-schemas'
import { WIDGET_TYPES, widgetFieldErrors, widgetKeyFor } from '../../utils/widgets'

describe('the dashboard builder\'s helpers', () => {
  it('offers the widget types the server accepts', () => {
    expect([...WIDGET_TYPES].sort()).toEqual([...SERVER_TYPES].sort())
  })

  it('makes a widget key from the title, unique on the dashboard', () => {
    expect(widgetKeyFor('Head temperature', [])).toBe('head-temperature')
    expect(widgetKeyFor('Presión (línea 2)', [])).toBe('presion-linea-2')
    expect(widgetKeyFor('Level', ['level', 'level-2'])).toBe('level-3')
    expect(widgetKeyFor('  ¡¿!  ', [])).toBe('widget')
  })

  it('puts a refusal on the field it names', () => {
    const unprocessable = { data: { message: 'Invalid body: unit: too big', data: { field: 'unit', issues: [{ field: 'unit', message: 'too big' }, { field: 'label', message: 'required' }] } } }
    expect(widgetFieldErrors(unprocessable)).toEqual({ unit: 'too big', label: 'required' })
    expect(widgetFieldErrors({ data: { message: 'widget_ids: not widgets of this dashboard', data: { field: 'widget_ids' } } })).toEqual({ widget_ids: 'widget_ids: not widgets of this dashboard' })
    expect(widgetFieldErrors({ data: { message: 'This dashboard has a widget "a" already', data: { code: 'WIDGET_KEY_EXISTS' } } })).toEqual({ widget_key: 'This dashboard has a widget "a" already' })
    expect(widgetFieldErrors(new Error('network'))).toEqual({})
  })
})
