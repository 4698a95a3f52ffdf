import {
  FeedbackSummary,
  RoomsOverview,
  SfuStats,
  type OpsOverview,
  type Unavailable,
} from '@tangerine/contracts/ops/api'
import { encodeOperator, OPERATOR_HEADER } from '@tangerine/contracts/ops/operator'
import { feedbackClient } from '@tangerine/feedback/client'
import { mediaClient } from '@tangerine/media/client'
import { roomsClient } from '@tangerine/rooms/client'
import { Hono } from 'hono'
import type { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { systemHealth } from '../clients/system-health.ts'

/** What `part` needs of an answer, a typed client's or a plain fetch's. */
interface Answer {
  ok: boolean
  status: number
  json(): Promise<unknown>
}

/** A service's part, parsed; anything else (down, slow, a wrong shape) is that part unavailable. */
async function part<S extends z.ZodType>(
  schema: S,
  ask: (init: RequestInit) => Promise<Answer>,
  timeoutMs: number,
): Promise<z.infer<S> | Unavailable> {
  try {
    const res = await ask({ signal: AbortSignal.timeout(timeoutMs) })
    if (!res.ok) return { status: 'unavailable', reason: `answered ${res.status}` }
    const parsed = schema.safeParse(await res.json())
    return parsed.success ? parsed.data : { status: 'unavailable', reason: 'answered without the expected shape' }
  } catch (err) {
    return { status: 'unavailable', reason: err instanceof Error ? err.message : String(err) }
  }
}

/** `GET /api/ops/overview`: one answer from every service's own ops part, asked at once. */
export const opsOverview = new Hono<AppEnv>().get('/', async (c) => {
  const headers = { [OPERATOR_HEADER]: encodeOperator(c.get('operator')!) }
  const timeoutMs = Number(c.env.HEALTH_TIMEOUT_MS) || 2000
  const [rooms, sfu, feedback, health] = await Promise.all([
    part(RoomsOverview, (init) => roomsClient(c.env.ROOMS).ops.overview.$get(undefined, { headers, init }), timeoutMs),
    part(SfuStats, (init) => mediaClient(c.env.MEDIA).ops.sfu.$get(undefined, { headers, init }), timeoutMs),
    part(
      FeedbackSummary,
      (init) => feedbackClient(c.env.FEEDBACK).ops.feedback.summary.$get(undefined, { headers, init }),
      timeoutMs,
    ),
    systemHealth(c.env),
  ])
  return c.json({ at: new Date().toISOString(), rooms, sfu, feedback, health } satisfies OpsOverview, 200)
})
