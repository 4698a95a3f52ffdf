import { ClientMessage, MAX_CLIENT_MESSAGE_BYTES, type RoomErrorCode } from '@tangerine/contracts'
import type { WSMessage } from 'partyserver'
import type { ConnectionState } from './connection-state.ts'
import { frameBytes } from './frame-size.ts'
import { take } from './rate-limit.ts'

/** What became of one frame: a message of the protocol, or why not (and whether the socket goes). */
export type Inbound =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: RoomErrorCode; error: string; close?: { code: number; reason: string } }

/**
 * Reads one frame from a socket in `state`, in the order the costs grow: size, rate, JSON, then
 * the contracts' union (a JSON cast is never enough). Returns the socket's state as the frame
 * leaves it (its bucket and last sign of life), whatever became of the frame.
 */
export function readFrame(raw: WSMessage, state: ConnectionState, now: number): [ConnectionState, Inbound] {
  if (frameBytes(raw, MAX_CLIENT_MESSAGE_BYTES) > MAX_CLIENT_MESSAGE_BYTES) {
    // 1009 is "message too big": a client that sends one is broken or hostile, so it goes.
    const error = `Messages are at most ${MAX_CLIENT_MESSAGE_BYTES} bytes (UTF-8)`
    return [state, { ok: false, code: 'message_too_large', error, close: { code: 1009, reason: 'Message too large' } }]
  }
  const { bucket, allowed } = take(state.bucket, now)
  const next = { ...state, bucket, lastSeen: now }
  if (!allowed) return [next, { ok: false, code: 'rate_limited', error: 'Too many messages: slow down' }]
  if (typeof raw !== 'string') return [next, { ok: false, code: 'invalid_message', error: 'Messages are JSON text' }]
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return [next, { ok: false, code: 'invalid_json', error: 'Not valid JSON' }]
  }
  const parsed = ClientMessage.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const error = `${issue?.path.join('.') || 'message'}: ${issue?.message}`
    return [next, { ok: false, code: 'invalid_message', error }]
  }
  return [next, { ok: true, message: parsed.data }]
}
