import { env } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import { openAiConfig } from '../../src/openai/config.ts'
import { hangUpUrl, realtimeCallRequest } from '../../src/openai/realtime.ts'

/*
 * Our request to OpenAI's Realtime endpoint, against the local peer that refuses what OpenAI
 * refuses (scripts/test-support/openai-realtime-request.ts). The offer here is not a real SDP
 * offer: a request whose settings pass gets as far as the offer and is refused for it
 * (`param: "sdp"`), which tells a request OpenAI would take apart from one it would not.
 */

const { url, token } = inject('openaiPeer')
const calls = `${url}/v1/realtime/calls`
const config = () => {
  const configured = openAiConfig({ ...env, OPENAI_MODEL_ENDPOINT: calls })
  if (!configured.ok) throw new Error(configured.error)
  return configured.config
}
const persona = { instructions: 'Be brief.', voice: 'marin' as const, safetyIdentifier: 'a'.repeat(64) }
const NOT_AN_OFFER = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n'

type OpenAiError = { error: { message: string; type: string; param: string | null; code: string | null } }
async function send(request: Request) {
  const res = await fetch(request)
  return { status: res.status, body: (await res.json()) as OpenAiError }
}

/** Our request with its `session` part changed. */
async function withSession(change: (session: Record<string, unknown>) => unknown) {
  const ours = realtimeCallRequest(config(), NOT_AN_OFFER, persona)
  const form = await ours.formData()
  const session = JSON.parse(String(form.get('session'))) as Record<string, unknown>
  const replaced = change(session)
  form.set('session', typeof replaced === 'string' ? replaced : JSON.stringify(session))
  // The new body brings its own multipart boundary.
  const headers = new Headers(ours.headers)
  headers.delete('content-type')
  return new Request(ours.url, { method: 'POST', headers, body: form })
}

/** OpenAI's error object, all four fields present (https://developers.openai.com/api/reference/resources/realtime/server-events, "error"). */
const openAiError = (code: string, param: string | null) => ({
  error: { message: expect.any(String), type: 'invalid_request_error', code, param },
})

describe('the request we send OpenAI', () => {
  // https://developers.openai.com/api/docs/api-reference/realtime-calls/create-call: multipart
  // `sdp` + `session`, the session object's `type` always "realtime".
  it('passes every check on its settings as it is, and fails without `session.type`', async () => {
    const ours = await send(realtimeCallRequest(config(), NOT_AN_OFFER, persona))
    expect(ours).toEqual({ status: 400, body: openAiError('invalid_offer', 'sdp') })

    const untyped = await send(
      await withSession((s) => {
        delete s.type
      }),
    )
    expect(untyped).toEqual({ status: 400, body: openAiError('missing_required_parameter', 'session.type') })
    const other = await send(
      await withSession((s) => {
        s.type = 'transcription'
      }),
    )
    expect(other).toEqual({ status: 400, body: openAiError('invalid_value', 'session.type') })
  })

  // Voices and models: OpenAI's lists (see openai-realtime-request.ts for the pages).
  it('is refused with a voice or a model OpenAI does not have', async () => {
    const voice = await send(
      await withSession((s) => {
        s.audio = { ...(s.audio as object), output: { voice: 'nova' } }
      }),
    )
    expect(voice).toEqual({ status: 400, body: openAiError('invalid_value', 'session.audio.output.voice') })
    const model = await send(
      await withSession((s) => {
        s.model = 'gpt-4o'
      }),
    )
    expect(model).toEqual({ status: 400, body: openAiError('invalid_value', 'session.model') })
  })

  it('is refused with a session part that is not JSON, in OpenAI’s error shape', async () => {
    const res = await send(await withSession(() => '{"type": "realtime",'))
    expect(res).toEqual({ status: 400, body: openAiError('invalid_json', 'session') })
  })

  it('is refused with a query string on /calls', async () => {
    const ours = realtimeCallRequest(config(), NOT_AN_OFFER, persona)
    const res = await send(new Request(`${calls}?model=gpt-realtime`, ours))
    expect(res).toEqual({ status: 400, body: openAiError('unknown_parameter', 'model') })
  })

  // https://developers.openai.com/api/docs/guides/safety-checks: at most 64 characters.
  it('is refused with a safety identifier longer than OpenAI takes', async () => {
    const res = await send(
      realtimeCallRequest(config(), NOT_AN_OFFER, { ...persona, safetyIdentifier: 'a'.repeat(65) }),
    )
    expect(res).toEqual({ status: 400, body: openAiError('string_above_max_length', 'safety_identifier') })
  })

  it('is refused with a wrong key: 401 invalid_api_key, on the call and on the hang-up', async () => {
    const wrong = { ...config(), token: `${token}x` }
    expect(await send(realtimeCallRequest(wrong, NOT_AN_OFFER, persona))).toEqual({
      status: 401,
      body: openAiError('invalid_api_key', null),
    })
    const hangUp = await fetch(hangUpUrl(calls, 'rtc_unknown'), {
      method: 'POST',
      headers: { authorization: `Bearer ${wrong.token}` },
    })
    expect(hangUp.status).toBe(401)
    expect(await hangUp.json()).toEqual(openAiError('invalid_api_key', null))
  })

  // The retired beta shape (raw SDP at /v1/realtime?model=…), as OpenAI's server answers it
  // (quoted in https://github.com/jsboige/CoursIA/pull/13149).
  it('cannot be the retired beta shape', async () => {
    const res = await send(
      new Request(`${url}/v1/realtime?model=gpt-realtime`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/sdp' },
        body: NOT_AN_OFFER,
      }),
    )
    expect(res).toEqual({ status: 400, body: openAiError('beta_api_shape_disabled', null) })
  })
})
