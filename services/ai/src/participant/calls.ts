import { AI_TRACK_NAME } from '@tangerine/contracts/ai/api'
import {
  CloseTracksResponse,
  GetSessionResponse,
  NewSessionResponse,
  RenegotiateResponse,
  TracksResponse,
} from '@tangerine/contracts/calls/api'
import type { z } from 'zod'
import { media } from '../clients/media.ts'

/** A Calls step that failed, worded for the people in the room. */
export class CallsStepError extends Error {
  override readonly name = 'CallsStepError'
}

async function parsed<S extends z.ZodType>(
  step: string,
  res: { ok: boolean; status: number; json(): Promise<unknown> },
  schema: S,
): Promise<z.infer<S>> {
  const body = (await res.json().catch(() => undefined)) as
    { errorCode?: string; errorDescription?: string; detail?: string } | undefined
  if (!res.ok || body?.errorCode) {
    throw new CallsStepError(`Calls refused to ${step}: ${body?.errorDescription ?? body?.detail ?? res.status}`)
  }
  const result = schema.safeParse(body)
  if (!result.success) throw new CallsStepError(`Calls answered ${step} with an unexpected body`)
  return result.data
}

/** The AI's third-party Calls session in one room, through the media Worker. */
export function aiCalls(env: AiEnv, room: string) {
  const api = media(env).thirdparty.sessions
  const query = { room }
  return {
    async newSession(): Promise<string> {
      return (await parsed('make a session', await api.new.$post({ query }), NewSessionResponse)).sessionId
    },
    /** The SFU's offer for the AI's sendrecv audio transceiver. */
    async offerVoice(sessionId: string): Promise<{ sdp: string; mid: string }> {
      const json = {
        tracks: [
          {
            location: 'local' as const,
            trackName: AI_TRACK_NAME,
            kind: 'audio' as const,
            bidirectionalMediaStream: true,
          },
        ],
      }
      const res = await parsed(
        'offer the AI track',
        await api[':sessionId'].tracks.new.$post({ param: { sessionId }, query, json }),
        TracksResponse,
      )
      const track = res.tracks?.[0]
      if (track?.errorCode)
        throw new CallsStepError(`Calls refused the AI track: ${track.errorDescription ?? track.errorCode}`)
      if (res.sessionDescription?.type !== 'offer' || !track?.mid)
        throw new CallsStepError('Calls made no offer for the AI track')
      return { sdp: res.sessionDescription.sdp, mid: track.mid }
    },
    async answer(sessionId: string, sdp: string): Promise<void> {
      const json = { sessionDescription: { type: 'answer' as const, sdp } }
      await parsed(
        'take the AI answer',
        await api[':sessionId'].renegotiate.$put({ param: { sessionId }, query, json }),
        RenegotiateResponse,
      )
    },
    /** Sends a published track into the AI's transceiver, with no renegotiation (Orange's `#name`). */
    async feed(sessionId: string, from: { sessionId: string; trackName: string }, owner: string): Promise<void> {
      const json = { tracks: [{ location: 'remote' as const, ...from, mid: `#${AI_TRACK_NAME}` }] }
      const res = await parsed(
        'give the AI that track',
        await api[':sessionId'].tracks.new.$post({ param: { sessionId }, query: { ...query, owner }, json }),
        TracksResponse,
      )
      const item = res.tracks?.[0]
      if (item?.errorCode)
        throw new CallsStepError(`Calls could not give the AI that track: ${item.errorDescription ?? item.errorCode}`)
    },
    /**
     * Closes every open track of the session: Calls has no call that deletes a session, and ends
     * one about 30 s after its last track (calls-api.md). A session already gone counts as closed.
     */
    async closeAll(sessionId: string): Promise<void> {
      const res = await api[':sessionId'].$get({ param: { sessionId }, query })
      if (res.status === 404 || res.status === 410) return
      const state = await parsed('read the AI session', res, GetSessionResponse)
      const mids = [...new Set(state.tracks.filter((t) => t.status !== 'inactive' && t.mid).map((t) => t.mid!))]
      if (mids.length === 0) return
      const json = { tracks: mids.map((mid) => ({ mid })), force: true }
      await parsed(
        'close the AI tracks',
        await api[':sessionId'].tracks.close.$put({ param: { sessionId }, query, json }),
        CloseTracksResponse,
      )
    },
  }
}
