import * as z from 'zod'
import { RoomName } from './rooms/room.ts'

/*
 * The feedback pipeline: the browser's "report a problem" body, the Google Chat card the queue
 * carries, the queue message itself and what ops see of a message that could not be delivered.
 */

/** Longest description a report may have; longer ones get a 400 rather than being cut. */
export const FEEDBACK_DESCRIPTION_MAX = 2000
/** Calls API history entries kept with a report: the most recent ones are what explain a failure. */
export const FEEDBACK_HISTORY_MAX = 100

/** One Calls API call as the debug view shows it, without bodies (SDP carries addresses and is large). */
export const FeedbackCallsEntry = z.object({
  at: z.string().max(40).optional(),
  type: z.enum(['request', 'response']),
  method: z.string().max(16).optional(),
  endpoint: z.string().max(300),
  status: z.number().int().optional(),
  /** The Calls API's own error, when a response carried one. */
  errorCode: z.string().max(100).optional(),
})
export type FeedbackCallsEntry = z.infer<typeof FeedbackCallsEntry>

/** What the browser may attach when the reporter ticks "include debug info". */
export const FeedbackDebugInfo = z.strictObject({
  room: RoomName.optional(),
  /** Who the page thinks it is (name and user id); the gateway's identity is added by the server. */
  identity: z.object({ name: z.string().max(100).optional(), userId: z.string().max(100).optional() }).optional(),
  callsHistory: z.array(FeedbackCallsEntry).max(FEEDBACK_HISTORY_MAX).optional(),
  connectionStats: z.record(z.string().max(64), z.union([z.number(), z.string().max(200), z.null()])).optional(),
  browser: z
    .object({
      userAgent: z.string().max(500),
      language: z.string().max(35).optional(),
      viewport: z.string().max(20).optional(),
    })
    .optional(),
  pageUrl: z.string().max(500).optional(),
})
export type FeedbackDebugInfo = z.infer<typeof FeedbackDebugInfo>

/** `POST /api/feedback`. */
export const FeedbackRequest = z.strictObject({
  description: z
    .string()
    .trim()
    .min(1, 'Describe the problem')
    .max(FEEDBACK_DESCRIPTION_MAX, `At most ${FEEDBACK_DESCRIPTION_MAX} characters`),
  /** The room the report is about, for the card's room link. */
  room: RoomName.optional(),
  debugInfo: FeedbackDebugInfo.optional(),
})
export type FeedbackRequest = z.infer<typeof FeedbackRequest>

/** `202` answer to `POST /api/feedback`: queued, not yet delivered. */
export const FeedbackAccepted = z.object({
  id: z.uuid(),
  /** Where the stored debug info can be read; present only when some was sent. */
  debugInfoUrl: z.url().optional(),
})
export type FeedbackAccepted = z.infer<typeof FeedbackAccepted>

/** What `GET /api/feedback/debug-info/{id}` returns: the report's debug info and who sent it. */
export const StoredDebugInfo = z.object({
  id: z.uuid(),
  receivedAt: z.iso.datetime(),
  reporter: z.object({ name: z.string(), email: z.string().optional(), source: z.string() }).optional(),
  debugInfo: FeedbackDebugInfo,
})
export type StoredDebugInfo = z.infer<typeof StoredDebugInfo>

// --- Google Chat message (cardsV2), the subset we send --------------------------------------

const OpenLink = z.object({ openLink: z.object({ url: z.url() }) })
export const ChatWidget = z.union([
  z.object({ textParagraph: z.object({ text: z.string() }) }),
  z.object({
    decoratedText: z.object({ topLabel: z.string().optional(), text: z.string(), wrapText: z.boolean().optional() }),
  }),
  z.object({ buttonList: z.object({ buttons: z.array(z.object({ text: z.string(), onClick: OpenLink })) }) }),
])
export type ChatWidget = z.infer<typeof ChatWidget>

export const ChatSection = z.object({
  header: z.string().optional(),
  collapsible: z.boolean().optional(),
  widgets: z.array(ChatWidget).min(1),
})
export type ChatSection = z.infer<typeof ChatSection>

/** A Google Chat webhook body with one card (https://developers.google.com/chat/api/reference/rest/v1/cards). */
export const ChatCardMessage = z.object({
  /** Plain-text fallback for notifications and receivers that do not render cards. */
  text: z.string().optional(),
  cardsV2: z
    .array(
      z.object({
        cardId: z.string(),
        card: z.object({
          header: z.object({ title: z.string(), subtitle: z.string().optional() }),
          sections: z.array(ChatSection).min(1),
        }),
      }),
    )
    .min(1),
})
export type ChatCardMessage = z.infer<typeof ChatCardMessage>

// --- Queue ----------------------------------------------------------------------------------

/** The header each delivery carries so a receiver can drop a message it has already taken. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key'

/** A message on the `tangerine-feedback` queue (and, unchanged, on its dead-letter queue). */
export const FeedbackMessage = z.object({
  idempotencyKey: z.uuid(),
  feedbackId: z.uuid(),
  createdAt: z.iso.datetime(),
  card: ChatCardMessage,
})
export type FeedbackMessage = z.infer<typeof FeedbackMessage>

/** A message the consumer gave up on, as `GET /api/feedback/dead-letters` lists it. */
export const DeadLetter = z.object({
  /** The message's idempotency key; replay keeps it, so a receiver that did get it can drop it. */
  id: z.uuid(),
  message: FeedbackMessage,
  deadAt: z.iso.datetime(),
  /** Deliveries tried before the queue gave up, when the consumer recorded them. */
  attempts: z.number().int().nonnegative().optional(),
  /** Why the last delivery failed (`HTTP 500`, `timeout after 10000 ms`, a network error). */
  lastError: z.string().optional(),
})
export type DeadLetter = z.infer<typeof DeadLetter>

/** A page of dead letters; `cursor` is there while more follow (pass it back to get them). */
export const DeadLetterList = z.object({ deadLetters: z.array(DeadLetter), cursor: z.string().optional() })
export type DeadLetterList = z.infer<typeof DeadLetterList>

export const DeadLetterParams = z.object({ id: z.uuid() })

export const DeadLetterListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).max(1024).optional(),
})
export const DebugInfoParams = z.object({ id: z.uuid() })

/** `POST /api/feedback/dead-letters/{id}/replay`: the message is back on the queue. */
export const ReplayAccepted = z.object({ id: z.uuid(), replayed: z.literal(true) })
export type ReplayAccepted = z.infer<typeof ReplayAccepted>
