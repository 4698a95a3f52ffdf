import type { AiControlRequest, AiUserRequest, AiVoice, InviteAiRequest } from '@tangerine/contracts/ai/api'
import { aiController } from '@tangerine/room-model'
import { of, type Subscription } from 'rxjs'
import { postJson, problemOf } from '../api.ts'
import { parseRef } from '../media/calls.svelte.ts'
import type { Meeting } from '../meeting/meeting.svelte.ts'

/** `/api/rooms/{room}/ai…`: each path and the body the ai Worker validates it with. */
type AiRequests = {
  '': InviteAiRequest
  '/dismiss': AiUserRequest
  '/control': AiControlRequest
  '/release': AiUserRequest
}

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

  /** The person talking to the AI, if anyone. */
  get controller() {
    const id = this.state && aiController(this.state)
    return id ? this.#meeting.room.state?.users.find((u) => u.id === id) : undefined
  }

  async invite(instructions: string, voice: AiVoice) {
    const user = this.#meeting.room.userId
    await this.#request('inviting', '', { user, instructions: instructions.trim() || undefined, voice })
  }

  async dismiss() {
    this.#stopFeed()
    await this.#request('dismissing', '/dismiss', { user: this.#meeting.room.userId })
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
      await this.#post('/control', { user: this.#meeting.room.userId, track: parseRef(ref) })
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
    await this.#request('releasing', '/release', { user: this.#meeting.room.userId })
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

  async #request<P extends keyof AiRequests>(busy: NonNullable<AiParticipant['busy']>, path: P, body: AiRequests[P]) {
    this.busy = busy
    this.lastError = undefined
    try {
      await this.#post(path, body)
    } catch (err) {
      this.lastError = (err as Error).message
    } finally {
      this.busy = undefined
    }
  }

  async #post<P extends keyof AiRequests>(path: P, body: AiRequests[P]) {
    const res = await postJson(`/api/rooms/${encodeURIComponent(this.#meeting.room.room)}/ai${path}`, body)
    if (res.ok) return
    const problem = await problemOf(res)
    throw new Error(problem ? (problem.detail ?? problem.title) : `The AI request failed (${res.status})`)
  }
}
