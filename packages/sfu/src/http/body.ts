import type { z } from 'zod'
import { bodyLimit } from 'hono/body-limit'
import { CallsError } from '../errors.ts'

/**
 * Refuses a body over `maxBytes`, by its declared length or, chunked, as it streams in. Methods
 * without a body pass; no Content-Type is required (partytracks sends none).
 */
export const limitBody = (maxBytes: number) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new CallsError(413, 'payload_too_large', `Request body is larger than ${maxBytes} bytes`)
    },
  })

/**
 * JSON that does not parse or has the wrong shape is a `decoding_error` (400); a
 * well-formed body that breaks a limit (64 tracks, at least one) is `invalid_params` (406).
 * An empty body is `{}`. Not `zValidator`: it needs a JSON Content-Type and answers 400 for both.
 */
export function parseBody<S extends z.ZodType>(schema: S, text: string): z.infer<S> {
  let json: unknown = {}
  if (text.trim().length > 0) {
    try {
      json = JSON.parse(text)
    } catch {
      throw new CallsError(400, 'decoding_error', 'Request body is not valid JSON')
    }
  }
  const parsed = schema.safeParse(json)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues
  const detail = issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ')
  const onlyLimits = issues.every((i) => i.code === 'too_big' || i.code === 'too_small')
  throw onlyLimits ? new CallsError(406, 'invalid_params', detail) : new CallsError(400, 'decoding_error', detail)
}
