import { MediaStreamTrack, RtpHeader, RtpPacket } from 'werift'
import type { Recording } from './vp8-recording.ts'
import { readVp8, withPictureNumbers } from './vp8-descriptor.ts'

/*
 * A recorded camera (vp8-recording.ts) played in a loop as a live one: frames at a steady rate
 * (the recording's own pace is whatever its busy encoder managed), each turn starting at the recording's key frame, numbered on (sequence numbers, RTP
 * timestamps, VP8 picture numbers) so a receiver sees one stream going forward, never a jump
 * back. A picture loss (PLI) starts the turn over, at the key frame, as an encoder would send one.
 * The SSRC is the sender's own (werift stamps it).
 */

const randomUint = (bits: 16 | 32) => crypto.getRandomValues(new Uint32Array(1))[0]! % 2 ** bits

export class RtpLoop {
  readonly track = new MediaStreamTrack({ kind: 'video' })
  /** Turns started, PLI restarts included. */
  turns = 0
  packetsSent = 0
  readonly #recording: Recording
  /** Index of the first packet of each frame. */
  readonly #frames: number[]
  readonly #frameMs: number
  /** RTP timestamp step between frames (90 kHz). */
  readonly #step: number
  readonly #firstPictureId: number
  readonly #firstTl0: number
  #seq = randomUint(16)
  #timestampBase = randomUint(32)
  #pictureIdBase = randomUint(16) & 0x7fff
  #tl0Base = randomUint(16) & 0xff
  #lastTimestamp: number | undefined
  #lastPictureId = 0
  #lastTl0 = 0
  #frame = 0
  #turnStartedAt = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #stopped = false

  /** `fps`: 8, the e2e tests' fake camera's rate. */
  constructor(recording: Recording, fps = 8) {
    this.#recording = recording
    this.#frameMs = 1000 / fps
    this.#step = Math.round(90_000 / fps)
    this.#frames = recording.packets.flatMap((p, index) =>
      index === 0 || p.timestamp !== recording.packets[index - 1]!.timestamp ? [index] : [],
    )
    const first = readVp8(recording.packets[0]!.payload)
    this.#firstPictureId = first.pictureId?.value ?? 0
    this.#firstTl0 = first.tl0PicIdx?.value ?? 0
  }

  start() {
    this.#newTurn()
    this.#tick()
  }

  /** From the key frame again, now: what a receiver that lost its picture needs. */
  restart() {
    if (this.#stopped || this.#frame === 0) return
    clearTimeout(this.#timer)
    this.#newTurn()
    this.#tick()
  }

  stop() {
    this.#stopped = true
    clearTimeout(this.#timer)
  }

  /** A new turn's numbers follow on from the last ones sent. */
  #newTurn() {
    this.turns++
    this.#frame = 0
    this.#turnStartedAt = performance.now()
    if (this.#lastTimestamp !== undefined) {
      this.#timestampBase = (this.#lastTimestamp + this.#step) >>> 0
      this.#pictureIdBase = this.#lastPictureId + 1
      this.#tl0Base = this.#lastTl0 + 1
    }
  }

  /** Sends every frame that is due, then waits for the next one (or the next turn). */
  #tick(): void {
    if (this.#stopped) return
    const elapsed = performance.now() - this.#turnStartedAt
    while (this.#frame < this.#frames.length && this.#frame * this.#frameMs <= elapsed) this.#send(this.#frame++)
    const next = this.#frame * this.#frameMs - elapsed
    this.#timer = setTimeout(
      () => {
        if (this.#frame >= this.#frames.length) this.#newTurn()
        this.#tick()
      },
      Math.max(1, next),
    )
  }

  #send(frame: number) {
    const { packets } = this.#recording
    const start = this.#frames[frame]!
    const end = this.#frames[frame + 1] ?? packets.length
    const timestamp = (this.#timestampBase + frame * this.#step) >>> 0
    for (const recorded of packets.slice(start, end)) {
      const vp8 = readVp8(recorded.payload)
      const pictureId = this.#pictureIdBase + (((vp8.pictureId?.value ?? 0) - this.#firstPictureId) & 0x7fff)
      const tl0 = this.#tl0Base + (((vp8.tl0PicIdx?.value ?? 0) - this.#firstTl0) & 0xff)
      this.#seq = (this.#seq + 1) & 0xffff
      this.#lastTimestamp = timestamp
      this.#lastPictureId = pictureId
      this.#lastTl0 = tl0
      // A fresh header: no extension of the recording's is carried (werift writes the negotiated ones).
      const header = new RtpHeader({ sequenceNumber: this.#seq, timestamp, marker: recorded.marker, payloadType: 96 })
      this.track.writeRtp(new RtpPacket(header, withPictureNumbers(recorded.payload, pictureId, tl0)))
      this.packetsSent++
    }
  }
}
