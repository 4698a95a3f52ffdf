import { AI_REFUSED_IN_E2EE, type AiVoice } from '@tangerine/contracts/ai/api'
import { aiController } from '@tangerine/room-model'
import { of, type Subscription } from 'rxjs'
import { callApi, type ApiResult } from '../api.ts'
import { parseRef } from '../media/calls.svelte.ts'
import type { Meeting } from '../meeting/meeting.svelte.ts'

/**
 * This page's side of the room's AI participant: invite and dismiss it, and push-to-talk. The ai
 * Worker does the Calls and OpenAI work and the room records it, so what everyone sees (joining,
 * joined, error, who is talking) comes from the room state; this class only holds what this page
 * is doing right now.
 */
export class AiParticipant {
  busy = $state<'inviting' | 'dismissing' | 'taking' | 'releasing'>()
  /** This page is feeding its mic to the AI. */
  talking = $state(false)
  /** Why this page's last request failed (the room state carries the AI's own errors). */
  lastError = $state<string>()
  readonly #meeting: Meeting
  /** Released while still taking: stop as soon as the take settles. */
  #cancelTake = false
  #feed: { push: Subscription; track: MediaStreamTrack } | undefined

  constructor(meeting: Meeting) {
    this.#meeting = meeting
  }

  get state() {
    return this.#meeting.room.state?.ai
  }

  /** Why the room would refuse an invitation whatever we ask: the AI cannot decrypt an encrypted meeting. */
  get refusedWhy() {
    return this.#meeting.room.state?.e2ee ? AI_REFUSED_IN_E2EE : undefined
  }

  /** Someone other than us is talking to the AI: nobody else may take it meanwhile. */
  get someoneElseTalking() {
    const id = this.state && aiController(this.state)
    return !!id && id !== this.#meeting.room.userId
  }

  /** The person talking to the AI, if anyone. */
  get controller() {
    const id = this.state && aiController(this.state)
    return id ? this.#meeting.room.state?.users.find((u) => u.id === id) : undefined
  }

  async invite(instructions: string, voice: AiVoice) {
    const body = { user: this.#meeting.room.userId, instructions: instructions.trim() || undefined, voice }
    await this.#request('inviting', () => callApi('inviteAi', { params: this.#room, body }))
  }

  async dismiss() {
    this.#stopFeed()
    const body = { user: this.#meeting.room.userId }
    await this.#request('dismissing', () => callApi('dismissAi', { params: this.#room, body }))
  }

  /**
   * Publishes a copy of the mic just for the AI (so release can close it at the SFU without
   * touching what the room hears), then asks for control with it.
   */
  async startTalking() {
    const { calls, media } = this.#meeting
    if (!calls || !media.mic || this.talking || this.busy) return
    this.busy = 'taking'
    this.lastError = undefined
    this.#cancelTake = false
    const track = media.mic.clone()
    track.enabled = true
    // One subscription: each subscription to a push publishes the track again.
    let published: (ref: string) => void = () => {}
    const ready = new Promise<string>((resolve) => (published = resolve))
    const push = calls.push(of(track)).subscribe((ref) => ref && published(ref))
    this.#feed = { push, track }
    try {
      const ref = await Promise.race([
        ready,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('Your microphone could not be published')), 15_000),
        ),
      ])
      // Let go before the room was even asked: no need to take control only to give it back.
      if (this.#cancelTake) return this.#stopFeed()
      const body = { user: this.#meeting.room.userId, track: parseRef(ref) }
      refused(await callApi('takeAiControl', { params: this.#room, body }))
      this.talking = true
    } catch (err) {
      this.lastError = (err as Error).message
      this.#stopFeed()
    } finally {
      this.busy = undefined
    }
    if (this.#cancelTake) await this.stopTalking()
  }

  /** Stops talking; if still taking (a hold let go before the mic was up), once the take settles. */
  async stopTalking() {
    if (this.busy === 'taking') {
      this.#cancelTake = true
      return
    }
    if (!this.talking) return
    this.#stopFeed()
    const body = { user: this.#meeting.room.userId }
    await this.#request('releasing', () => callApi('releaseAiControl', { params: this.#room, body }))
  }

  /** Talking, or on the way to: a press (or the shortcut) then lets go rather than takes. */
  get engaged() {
    return this.talking || this.busy === 'taking'
  }

  /** The shortcut's and a keyboard press's toggle; nothing while someone else has the AI. */
  toggleTalking() {
    if (this.someoneElseTalking) return
    void (this.engaged ? this.stopTalking() : this.startTalking())
  }

  /** The room released us (we left, or the AI went): stop feeding it. */
  sync() {
    if (this.talking && (this.state && aiController(this.state)) !== this.#meeting.room.userId) this.#stopFeed()
  }

  close() {
    this.#stopFeed()
  }

  #stopFeed() {
    this.#feed?.push.unsubscribe()
    this.#feed?.track.stop()
    this.#feed = undefined
    this.talking = false
  }

  /** The ai Worker's routes are the room's: `/api/rooms/{room}/ai…`. */
  get #room() {
    return { name: this.#meeting.room.room }
  }

  async #request(busy: NonNullable<AiParticipant['busy']>, call: () => Promise<ApiResult<unknown>>) {
    this.busy = busy
    this.lastError = undefined
    try {
      refused(await call())
    } catch (err) {
      this.lastError = (err as Error).message
    } finally {
      this.busy = undefined
    }
  }
}

/** Throws what the ai Worker or the room said when it refused (else the status). */
function refused(res: ApiResult<unknown>) {
  if (res.ok) return
  const { problem } = res
  throw new Error(problem ? (problem.detail ?? problem.title) : `The AI request failed (${res.status})`)
}
