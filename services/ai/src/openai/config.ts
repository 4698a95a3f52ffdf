import { AiVoice, type AiVoice as Voice } from '@tangerine/contracts/ai/api'

export interface OpenAiConfig {
  endpoint: URL
  token: string
  model: string
  defaultVoice: Voice
  timeoutMs: number
}

/** The OpenAI settings from the Worker's vars and secret, or why the AI cannot be invited. */
export function openAiConfig(env: AiEnv): { ok: true; config: OpenAiConfig } | { ok: false; error: string } {
  const token = env.OPENAI_API_TOKEN?.trim() ?? ''
  if (!token) return { ok: false, error: 'The AI is not configured: the ai Worker has no OPENAI_API_TOKEN secret' }
  let endpoint: URL
  try {
    endpoint = new URL(env.OPENAI_MODEL_ENDPOINT)
  } catch {
    return { ok: false, error: 'The AI is not configured: OPENAI_MODEL_ENDPOINT is not a URL' }
  }
  // OpenAI refuses parameters in the query of /calls; a leftover `?model=` of the retired beta
  // shape would fail every call, so it is named here instead.
  if (endpoint.search)
    return { ok: false, error: 'The AI is not configured: OPENAI_MODEL_ENDPOINT must have no query string' }
  return {
    ok: true,
    config: {
      endpoint,
      token,
      model: env.OPENAI_MODEL_ID || 'gpt-realtime',
      defaultVoice: AiVoice.catch('alloy').parse(env.OPENAI_DEFAULT_VOICE),
      timeoutMs: Number(env.OPENAI_TIMEOUT_MS) || 15_000,
    },
  }
}
