import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import { CallsError } from '../errors.ts'

/** Responses are always JSON, carry `Vary: Origin`, and allow browsers to call directly. */
export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  // `undefined` is an empty answer (TURN revoke's 204); everything else is JSON.
  const payload = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    'Content-Length': Buffer.byteLength(payload),
    Vary: 'Origin',
    'Access-Control-Allow-Origin': req.headers.origin ?? '*',
    'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'Authorization, Content-Type',
    'Access-Control-Max-Age': '600',
  })
  res.end(payload)
}

export function sendError(req: IncomingMessage, res: ServerResponse, error: CallsError): void {
  sendJson(req, res, error.status, { errorCode: error.code, errorDescription: error.message })
}

/** Reads the body up to `limit` bytes; no Content-Type is required (partytracks sends none). */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw tooLarge(limit)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const tooLarge = (limit: number) =>
  new CallsError(413, 'payload_too_large', `Request body is larger than ${limit} bytes`)

/**
 * JSON that does not parse or has the wrong shape is a `decoding_error` (400); a
 * well-formed body that breaks a limit (64 tracks, at least one) is `invalid_params` (406).
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
