import { OpenAiCallId, SdpAnswerText, type OpenAiSessionConfig } from '@tangerine/contracts/ai/api'
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

/** A failure to show everyone in the room: the message never carries the token. */
export class AiEndpointError extends Error {
  override readonly name = 'AiEndpointError'
}

export interface AiPersona {
  instructions?: string
  voice?: string
}

/**
 * The two request shapes of calls-api.md section D. "ga": multipart `sdp` + `session` JSON to
 * the endpoint as configured. "beta" (Orange's): the raw offer as `application/sdp`, with the
 * endpoint's query string replaced by `model`, `voice` and `instructions`.
 */
function requestFor(config: OpenAiConfig, offer: string, persona: AiPersona): { url: URL; init: RequestInit } {
  const voice = persona.voice ?? config.defaultVoice
  const headers = { authorization: `Bearer ${config.token}` }
  if (config.shape === 'beta') {
    const url = new URL(config.endpoint)
    url.search = ''
    url.searchParams.set('model', config.model)
    url.searchParams.set('voice', voice)
    if (persona.instructions) url.searchParams.set('instructions', persona.instructions)
    return { url, init: { method: 'POST', headers: { ...headers, 'content-type': 'application/sdp' }, body: offer } }
  }
  const session: OpenAiSessionConfig = {
    type: 'realtime',
    model: config.model,
    ...(persona.instructions ? { instructions: persona.instructions } : {}),
    audio: { output: { voice } },
  }
  const form = new FormData()
  form.set('sdp', offer)
  form.set('session', JSON.stringify(session))
  return { url: new URL(config.endpoint), init: { method: 'POST', headers, body: form } }
}

/**
 * Sends the Calls offer to the Realtime endpoint and returns its SDP answer, with the call's id
 * from the `Location` header (GA: `/v1/realtime/calls/{call_id}`), which hanging up needs.
 */
export async function answerFromOpenAi(
  config: OpenAiConfig,
  offer: string,
  persona: AiPersona,
): Promise<{ sdp: string; callId?: string }> {
  const { url, init } = requestFor(config, offer, persona)
  const where = url.origin
  let res: Response
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(config.timeoutMs) })
  } catch (err) {
    const reason =
      err instanceof Error && err.name === 'TimeoutError' ? `no answer in ${config.timeoutMs} ms` : 'connection failed'
    throw new AiEndpointError(`Could not reach the AI endpoint at ${where} (${reason})`)
  }
  // The answer is `application/sdp`; decoded by hand, as workerd's .text() warns for that type.
  const text = new TextDecoder().decode(await res.arrayBuffer())
  if (res.status === 401 || res.status === 403) {
    throw new AiEndpointError(`The AI endpoint at ${where} refused the API token (${res.status})`)
  }
  if (res.status >= 400) {
    throw new AiEndpointError(`The AI endpoint at ${where} answered ${res.status}: ${snippet(text)}`)
  }
  const answer = SdpAnswerText.safeParse(text)
  if (!answer.success)
    throw new AiEndpointError(`The AI endpoint at ${where} answered with something that is not an SDP answer`)
  const callId = OpenAiCallId.safeParse(res.headers.get('location')?.split('?')[0]?.split('/').pop())
  return { sdp: answer.data, ...(callId.success ? { callId: callId.data } : {}) }
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
