import * as z from 'zod'

/** The answer to "How was the call?", asked after leaving; one per person and meeting. */
export const CallQualityAnswer = z.strictObject({
  meetingId: z.string().min(1).max(64),
  /** The room user id the person had in that meeting (their tab's id). */
  userId: z.string().min(1).max(64),
  /** 1 (bad) … 5 (great). */
  rating: z.int().min(1).max(5),
  comment: z.string().trim().max(1000).optional(),
})
export type CallQualityAnswer = z.infer<typeof CallQualityAnswer>

export const CALL_QUALITY_LABELS = ['Bad', 'Poor', 'Fair', 'Good', 'Great'] as const

/** What the ops side reads about a room's answers. */
export const CallQualitySummary = z.object({
  room: z.string(),
  answers: z.int().nonnegative(),
  averageRating: z.number().nullable(),
  /** Answers per rating, index 0 for rating 1. */
  distribution: z.array(z.int().nonnegative()).length(5),
})
export type CallQualitySummary = z.infer<typeof CallQualitySummary>
