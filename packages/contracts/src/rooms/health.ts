import * as z from 'zod'

/** A log row that loading set aside, or a gap in the log's `seq`: for operators. */
export const QuarantineEntry = z.object({
  id: z.number().int().positive(),
  /** The bad row's seq; for a gap, the first missing one. */
  seq: z.number().int(),
  kind: z.enum(['invalid_event', 'seq_gap']),
  error: z.string(),
  /** The row exactly as it was stored (its columns as JSON); null for a gap. */
  content: z.string().nullable(),
  /** When it was found. */
  at: z.iso.datetime(),
})
export type QuarantineEntry = z.infer<typeof QuarantineEntry>

/** Whether the room's log loaded whole: counts, and the latest entries of the quarantine. */
export const RoomHealth = z.object({
  quarantined: z.number().int().nonnegative(),
  gaps: z.number().int().nonnegative(),
  latest: z.array(QuarantineEntry),
})
export type RoomHealth = z.infer<typeof RoomHealth>
