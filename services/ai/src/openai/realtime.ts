import {
  OPENAI_SAFETY_IDENTIFIER_HEADER,
  OpenAiCallId,
  SdpAnswerText,
  type AiVoice,
  type OpenAiSessionConfig,
} from '@tangerine/contracts/ai/api'
import * as z from 'zod'
import type { OpenAiConfig } from './config.ts'

const OpenAiErrorBody = z.object({ error: z.object({ message: z.string() }) })

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * A failure to show everyone in the room: the message never carries the token. `callId` is set
 * when OpenAI made the call before the failure, so it can still be hung up.
 */
export class AiEndpointError extends Error {
  override readonly name = 'AiEndpointError'
  constructor(
    message: string,
    readonly callId?: string,
  ) {
    super(message)
  }
}

export interface AiPersona {
  instructions?: string
  voice?: AiVoice
  /** Who the call is made for, already hashed: sent as OpenAI-Safety-Identifier. */
  safetyIdentifier: string
}

/** The pause after which the AI answers whoever holds push-to-talk. */
const SILENCE_BEFORE_ANSWER_MS = 600

/**
 * `POST /v1/realtime/calls`, `multipart/form-data` with the offer as `sdp` and the session object
 * as `session` (https://developers.openai.com/api/docs/api-reference/realtime-calls/create-call),
 * with the caller's safety identifier in its header.
 */
export function realtimeCallRequest(config: OpenAiConfig, offer: string, persona: AiPersona): Request {
  const session: OpenAiSessionConfig = {
    type: 'realtime',
    model: config.model,
    ...(persona.instructions ? { instructions: persona.instructions } : {}),
    audio: {
      input: {
        turn_detection: {
          type: 'server_vad',
          create_response: true,
          interrupt_response: true,
          silence_duration_ms: SILENCE_BEFORE_ANSWER_MS,
        },
      },
      output: { voice: persona.voice ?? config.defaultVoice },
    },
  }
  const form = new FormData()
  form.set('sdp', offer)
  form.set('session', JSON.stringify(session))
  return new Request(config.endpoint, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${config.token}`,
      [OPENAI_SAFETY_IDENTIFIER_HEADER]: persona.safetyIdentifier,
    },
    body: form,
  })
}

/**
 * The safety identifier OpenAI asks for: a stable id per person that identifies nobody, here the
 * SHA-256 of their user key (itself an HMAC pseudonym), 64 hex digits, OpenAI's maximum length
 * (https://developers.openai.com/api/docs/guides/safety-checks).
 */
export async function safetyIdentifier(userKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`tangerine-user:${userKey}`))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Sends the Calls offer to the Realtime endpoint and returns its SDP answer, with the call's id
 * from the `Location` header (`/v1/realtime/calls/{call_id}`), which hanging up needs.
 */
export async function answerFromOpenAi(
  config: OpenAiConfig,
  offer: string,
  persona: AiPersona,
): Promise<{ sdp: string; callId?: string }> {
  const request = realtimeCallRequest(config, offer, persona)
  const where = config.endpoint.origin
  let res: Response
  try {
    res = await fetch(request, { signal: AbortSignal.timeout(config.timeoutMs) })
  } catch (err) {
    const reason =
      err instanceof Error && err.name === 'TimeoutError' ? `no answer in ${config.timeoutMs} ms` : 'connection failed'
    throw new AiEndpointError(`Could not reach the AI endpoint at ${where} (${reason})`)
  }
  // The answer is `application/sdp`; decoded by hand, as workerd's .text() warns for that type.
  const text = new TextDecoder().decode(await res.arrayBuffer())
  // OpenAI's 401 message repeats part of the key: only the status is shown.
  if (res.status === 401) throw new AiEndpointError(`The AI endpoint at ${where} refused the API token (401)`)
  // 403 is the key lacking access to the model, or the account's region; OpenAI's message says which.
  if (res.status === 403)
    throw new AiEndpointError(`The AI endpoint at ${where} refused the call (403): ${snippet(text)}`)
  if (res.status >= 400) {
    throw new AiEndpointError(`The AI endpoint at ${where} answered ${res.status}: ${snippet(text)}`)
  }
  // The call exists from here on, whatever comes with it: its id first, so a bad answer still hangs it up.
  const callId = OpenAiCallId.safeParse(res.headers.get('location')?.split('?')[0]?.split('/').pop()).data
  const answer = SdpAnswerText.safeParse(text)
  if (!answer.success)
    throw new AiEndpointError(`The AI endpoint at ${where} answered with something that is not an SDP answer`, callId)
  return { sdp: answer.data, ...(callId ? { callId } : {}) }
}

/** `POST …/realtime/calls/{call_id}/hangup`, beside the endpoint the call was made at. */
export function hangUpUrl(endpoint: URL | string, callId: string): URL {
  const url = new URL(endpoint)
  url.search = ''
  const base = url.pathname.replace(/\/+$/, '')
  url.pathname = `${base.endsWith('/calls') ? base : `${base}/calls`}/${callId}/hangup`
  return url
}

/** Ends the OpenAI call; one that is already over (404) counts as ended. */
export async function hangUp(config: OpenAiConfig, callId: string): Promise<void> {
  const url = hangUpUrl(config.endpoint, callId)
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.token}` },
      signal: AbortSignal.timeout(config.timeoutMs),
    })
  } catch {
    throw new AiEndpointError(`Could not reach the AI endpoint at ${url.origin} to hang up`)
  }
  const text = await res.text()
  if (!res.ok && res.status !== 404)
    throw new AiEndpointError(
      `The AI endpoint at ${url.origin} answered ${res.status} to the hang-up: ${snippet(text)}`,
    )
}

/** OpenAI's own `error.message` when the body has one, else the start of the body, on one line. */
function snippet(text: string): string {
  const body = OpenAiErrorBody.safeParse(safeJson(text))
  const line = (body.success ? body.data.error.message : text).replace(/\s+/g, ' ').trim()
  return line.length > 160 ? `${line.slice(0, 160)}…` : line || '(empty body)'
}
