import type { IncomingHttpHeaders } from 'node:http'

/*
 * What OpenAI's `POST /v1/realtime/calls` accepts, for the local Realtime peer: the checks the
 * real endpoint makes before it answers, so a request it would refuse is refused here too.
 * Sources:
 * - the call: multipart `sdp` + `session` (the Realtime session object, `type` required, always
 *   "realtime"); https://developers.openai.com/api/docs/api-reference/realtime-calls/create-call
 * - errors: `{error: {message, type, param, code}}`;
 *   https://developers.openai.com/api/reference/resources/realtime/server-events ("error")
 * - models: the SDK's list, https://openai.github.io/openai-agents-js/openai/agents/realtime/type-aliases/openairealtimemodels
 * - voices: https://rubydoc.info/gems/openai/OpenAI/Models/Realtime/RealtimeResponseCreateAudioOutput/Output/Voice
 * - safety identifier: the `OpenAI-Safety-Identifier` header, at most 64 characters;
 *   https://developers.openai.com/api/docs/guides/safety-checks
 */

export const REALTIME_MODELS = [
  'gpt-realtime',
  'gpt-realtime-1.5',
  'gpt-realtime-2025-08-28',
  'gpt-realtime-mini',
  'gpt-realtime-mini-2025-10-06',
  'gpt-realtime-mini-2025-12-15',
  'gpt-4o-realtime-preview',
  'gpt-4o-realtime-preview-2024-10-01',
  'gpt-4o-realtime-preview-2024-12-17',
  'gpt-4o-realtime-preview-2025-06-03',
  'gpt-4o-mini-realtime-preview',
  'gpt-4o-mini-realtime-preview-2024-12-17',
]

export const REALTIME_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar']

const TURN_DETECTION_TYPES = ['server_vad', 'semantic_vad']

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null }
}

/** A refusal as OpenAI words it: status and body. */
export interface Refusal {
  status: number
  body: OpenAiErrorBody
}

export const refusal = (
  status: number,
  code: string | null,
  message: string,
  param: string | null = null,
  type = 'invalid_request_error',
): Refusal => ({ status, body: { error: { message, type, param, code } } })

/** What a call was asked for, as the peer records it. */
export interface CallRequest {
  sdp: string
  model: string
  voice?: string
  instructions?: string
  /** `audio.input.turn_detection` as sent; `undefined` when left to OpenAI's default. */
  turnDetection?: unknown
  safetyIdentifier?: string
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The `session` object's checks, in the order of its fields. */
function checkSession(session: unknown): Refusal | Omit<CallRequest, 'sdp' | 'safetyIdentifier'> {
  if (!isObject(session))
    return refusal(400, 'invalid_type', "Invalid type for 'session': expected an object.", 'session')
  if (session.type === undefined)
    return refusal(400, 'missing_required_parameter', "Missing required parameter: 'session.type'.", 'session.type')
  if (session.type !== 'realtime')
    return refusal(
      400,
      'invalid_value',
      `Invalid value: '${String(session.type)}'. Supported values are: 'realtime'.`,
      'session.type',
    )
  if (typeof session.model !== 'string')
    return refusal(400, 'missing_required_parameter', "Missing required parameter: 'session.model'.", 'session.model')
  if (!REALTIME_MODELS.includes(session.model))
    return refusal(
      400,
      'invalid_value',
      `Invalid value: '${session.model}'. The model does not exist or you do not have access to it.`,
      'session.model',
    )
  if (session.instructions !== undefined && typeof session.instructions !== 'string')
    return refusal(
      400,
      'invalid_type',
      "Invalid type for 'session.instructions': expected a string.",
      'session.instructions',
    )
  const audio = session.audio
  if (audio !== undefined && !isObject(audio))
    return refusal(400, 'invalid_type', "Invalid type for 'session.audio': expected an object.", 'session.audio')
  const input = audio?.input
  const output = audio?.output
  const turnDetection = isObject(input) ? input.turn_detection : undefined
  if (turnDetection !== undefined && turnDetection !== null) {
    if (!isObject(turnDetection) || !TURN_DETECTION_TYPES.includes(String(turnDetection.type)))
      return refusal(
        400,
        'invalid_value',
        `Invalid value for 'session.audio.input.turn_detection.type'. Supported values are: ${TURN_DETECTION_TYPES.map((t) => `'${t}'`).join(', ')}.`,
        'session.audio.input.turn_detection.type',
      )
  }
  const voice = isObject(output) ? output.voice : undefined
  if (voice !== undefined && (typeof voice !== 'string' || !REALTIME_VOICES.includes(voice)))
    return refusal(
      400,
      'invalid_value',
      `Invalid value: '${String(voice)}'. Supported values are: ${REALTIME_VOICES.map((v) => `'${v}'`).join(', ')}.`,
      'session.audio.output.voice',
    )
  return {
    model: session.model,
    voice: voice as string | undefined,
    instructions: session.instructions as string | undefined,
    turnDetection,
  }
}

/**
 * Checks a `POST /v1/realtime/calls` request (its token already checked) and returns what it
 * asks for, or OpenAI's refusal.
 */
export async function readCallRequest(
  headers: IncomingHttpHeaders,
  url: URL,
  body: Buffer,
): Promise<Refusal | CallRequest> {
  const [unknown] = url.searchParams.keys()
  if (unknown !== undefined) return refusal(400, 'unknown_parameter', `Unknown parameter: '${unknown}'.`, unknown)
  const type = headers['content-type'] ?? ''
  // Raw `application/sdp` is the browser's flow with an ephemeral client secret, which this peer
  // does not issue: with an API key, the session settings come in the multipart body.
  if (!type.startsWith('multipart/form-data'))
    return refusal(
      400,
      'invalid_request',
      `Unsupported content type: '${type || '(none)'}'. Expected multipart/form-data.`,
    )
  let form: FormData
  try {
    form = await new Request(url, {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(body),
    }).formData()
  } catch {
    return refusal(400, 'invalid_request', 'Could not parse the multipart form body.')
  }
  const sdp = form.get('sdp')
  if (typeof sdp !== 'string' || !sdp.trim())
    return refusal(400, 'missing_required_parameter', "Missing required parameter: 'sdp'.", 'sdp')
  const rawSession = form.get('session')
  let session: unknown = {}
  if (rawSession !== null) {
    try {
      session = JSON.parse(String(rawSession))
    } catch {
      return refusal(
        400,
        'invalid_json',
        "We could not parse the JSON body of the 'session' part. Please send valid JSON.",
        'session',
      )
    }
  }
  const checked = checkSession(session)
  if ('status' in checked) return checked
  const safetyIdentifier = headers['openai-safety-identifier']
  if (typeof safetyIdentifier === 'string' && safetyIdentifier.length > 64)
    return refusal(
      400,
      'string_above_max_length',
      "Invalid 'OpenAI-Safety-Identifier': string too long. Expected a string with maximum length 64.",
      'safety_identifier',
    )
  return { sdp, ...checked, ...(typeof safetyIdentifier === 'string' ? { safetyIdentifier } : {}) }
}
