import { RecentReport, type FeedbackSummary } from '@tangerine/contracts/ops/api'
import type { FeedbackMessage } from '@tangerine/contracts/feedback'
import type { z } from 'zod'

type ReportStatus = RecentReport['status']

/*
 * Recent reports and where each stands (queued, delivered, dead), for the ops view. Each report
 * is one KV key whose list metadata is the whole entry, so one list answers without a read per
 * report; keys sort newest first. The card itself went to FEEDBACK_URL; this is only its outline.
 */

const REPORT_TTL_SECONDS = 30 * 24 * 3600
export const SUMMARY_CHARACTERS = 120
const LATEST = 8_640_000_000_000_000 // the largest Date, so that newer sorts first

const key = (feedbackId: string, createdAt: string) =>
  `report:${String(LATEST - Date.parse(createdAt)).padStart(16, '0')}:${feedbackId}`

async function put(kv: KVNamespace, entry: RecentReport) {
  await kv.put(key(entry.id, entry.at), '', { metadata: entry, expirationTtl: REPORT_TTL_SECONDS })
}

/** A new report, queued. */
export async function recordReport(
  kv: KVNamespace,
  report: { id: string; at: string; description: string; room?: string; reporter?: string },
) {
  const { description, ...rest } = report
  await put(kv, { ...rest, status: 'queued', summary: description.slice(0, SUMMARY_CHARACTERS) })
}

/** The report behind `message` is now `status`; best effort (an expired or unknown one is left alone). */
export async function markReport(kv: KVNamespace, message: FeedbackMessage, status: ReportStatus) {
  const { metadata } = await kv.getWithMetadata(key(message.feedbackId, message.createdAt))
  const entry = RecentReport.safeParse(metadata)
  if (entry.success && entry.data.status !== status) await put(kv, { ...entry.data, status })
}

/** The newest reports, at most `limit`. */
export async function recentReports(kv: KVNamespace, limit: number): Promise<RecentReport[]> {
  const page = await kv.list<z.input<typeof RecentReport>>({ prefix: 'report:', limit })
  return page.keys.flatMap((k) => {
    const parsed = RecentReport.safeParse(k.metadata)
    return parsed.success ? [parsed.data] : []
  })
}

/** Count of keys under `prefix`, paged through. */
async function countKeys(kv: KVNamespace, prefix: string, filter: (metadata: unknown) => boolean = () => true) {
  let n = 0
  let cursor: string | undefined
  do {
    const page = await kv.list({ prefix, ...(cursor ? { cursor } : {}) })
    n += page.keys.filter((k) => filter(k.metadata)).length
    cursor = page.list_complete ? undefined : page.cursor
  } while (cursor)
  return n
}

/** Reports still on their way (of the last 30 days), and dead letters waiting for a replay. */
export async function feedbackSummary(reports: KVNamespace, deadLetters: KVNamespace): Promise<FeedbackSummary> {
  const [backlog, dead] = await Promise.all([
    countKeys(reports, 'report:', (m) => RecentReport.safeParse(m).data?.status === 'queued'),
    countKeys(deadLetters, 'dead:'),
  ])
  return { backlog, deadLetters: dead }
}
