import { z } from 'zod'
import { isTimeZone } from './schedule-windows'

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM')
const window = z.object({ start: time, end: time }).refine(w => w.start < w.end, { path: ['end'], message: 'must be after start' })

/** Weekday (0 = Sunday … 6) → windows. */
export const WeekWindowsSchema = z.record(z.enum(['0', '1', '2', '3', '4', '5', '6']), z.array(window).max(48))

export const ScheduleLearnBody = z.object({
  metric: z.string().trim().min(1).max(128).describe('A running/state metric: true or > 0 means running'),
  days: z.number().int().min(7).max(365).default(28).describe('How much history to learn from'),
  binMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(30),
  threshold: z.number().gt(0).max(1).default(0.55).describe('Share of a bin\'s time running that makes it an operating window'),
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Europe/Madrid').default('UTC')
})

export const ScheduleDecisionBody = z.object({
  status: z.enum(['accepted', 'rejected']),
  windows: WeekWindowsSchema.optional().describe('Edited windows to accept instead of the suggestion')
})

export const ScheduleParams = z.object({ site: z.string().min(1).max(128), plcId: z.string().min(1).max(128), metric: z.string().min(1).max(128) })

const schedule = z.object({
  site: z.string(), plcId: z.string(), metric: z.string(),
  status: z.enum(['suggested', 'accepted', 'rejected']),
  windows: WeekWindowsSchema,
  timeZone: z.string(), binMinutes: z.number().int(), threshold: z.number(),
  learntFrom: z.number(), learntTo: z.number(), computedAt: z.number(),
  decidedAt: z.number().nullable(), decidedBy: z.string().nullable()
}).meta({ id: 'MachineSchedule' })

export const ScheduleResponse = schedule
export const ScheduleListResponse = z.object({ items: z.array(schedule) })
