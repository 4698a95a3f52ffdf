import type { LoggedEvent, RoomErrorCode, RoomState } from '@tangerine/contracts'
import { of, type Subscription } from 'rxjs'
import { MeetingEncryption } from '../e2ee/meeting-encryption.svelte.ts'
import { openingE2ee } from '../e2ee/support.ts'
import { Calls } from '../media/calls.svelte.ts'
import { cameraEncodings, MAX_SCREENSHARE_FRAMERATE, screenEncodings } from '../media/limits.ts'
import { MediaEffects } from '../media/effects.svelte.ts'
import { LocalMedia } from '../media/local-media.svelte.ts'
import { RoomConnection } from '../realtime/room.svelte.ts'
import { Viewing } from '../state/viewing.svelte.ts'
import { rememberRoom } from '../recent-rooms.ts'
import { chime } from './chime.ts'
import { nameIn, noticeOf, recoveryToast } from './notices.ts'
import { ToastQueue } from './chrome/toasts.svelte.ts'
import { inMeeting } from './in-meeting.ts'
import { shownTracksOf } from './shown-tracks.ts'

/** Stands for the operator in `#out`: the room does not tell the meeting which one it was. */
const OPERATOR = Symbol('operator')

/** After what is already queued for the event loop, timers included. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** How long pulls are held while the room has us in its lobby after a drop, waiting to rejoin. */
const REJOIN_HOLD_MS = 15_000

/**
 * One person's meeting: the room socket, their camera and mic, their Calls connection and what
 * they publish. Components render it; it owns the side effects.
 */
export class Meeting {
  readonly room: RoomConnection
  readonly media = new LocalMedia()
  readonly effects = new MediaEffects(this.media)
  readonly encryption = new MeetingEncryption()
  /** How much of the others' video we take (data saver, audio only), as last chosen in this browser. */
  readonly viewing = new Viewing()
  calls = $state<Calls>()
  phase = $state<'lobby' | 'joined' | 'left'>('lobby')
  screen = $state<MediaStreamTrack>()
  readonly toasts = new ToastQueue()
  /** Whom this page pinned: over the host's spotlight, on this page only. */
  pinned = $state<string>()
  /** The meeting we were last in, for the after-call question. */
  leftMeetingId = $state<string>()
  /**
   * Why we are out, when it was not our choice (the host removed us or ended the meeting), and
   * who put us out: the host (by name), ourselves ("You"), or an operator of the service.
   */
  endedBy = $state<{ why: 'removed' | 'ended'; name: string; operator?: true }>()
  /** What stops us joining (locked, full, removed), as the room said it. */
  refusal = $state<string>()
  /** The lobby's choice of end-to-end encryption, for a meeting our join opens. */
  e2ee = $state(true)
  readonly #pushes: Subscription[] = []
  /** What we publish, as last announced: the room forgets it if it times us out. */
  #refs: { audio?: string; video?: string; screenshare?: string } = {}
  /** The room socket dropped since we last (re)announced ourselves. */
  #away = false
  #screenPush: Subscription | undefined
  readonly #stopListening: () => void
  readonly #stopErrors: () => void
  readonly #stopStates: () => void

  constructor(roomName: string, userId: string) {
    this.room = new RoomConnection(roomName, userId)
    this.#stopListening = this.room.onEvent((event, before) => this.#notice(event, before))
    this.#stopErrors = this.room.onError((code, error) => this.#refused(code, error))
    this.#stopStates = this.room.onState(() => this.#holdPullsWhileAway())
  }

  async join() {
    const { room, media } = this
    // Joining publishes what the devices gave: a click before the camera answered must wait
    // for it, or the others would never see a camera that came on a moment later.
    await media.start()
    if (this.phase !== 'lobby') return
    this.phase = 'joined'
    rememberRoom(room.room)
    this.#announce()
    // The media service serves only people the room has in the meeting (someone looking in from
    // the lobby gets no media): the Calls session waits until the room has taken our `joined`.
    await inMeeting(room, () => this.phase === 'joined')
    if (this.phase !== 'joined') return
    const encrypting = await this.encryption.start(room, () => this.phase === 'joined')
    if (this.phase !== 'joined') return
    // Media lost and back (a restarted SFU) is said in a toast.
    const calls = (this.calls ??= new Calls(room.room, room.userId, (phase) => this.toasts.show(recoveryToast[phase])))
    this.encryption.attach(calls.tracks)
    // The others' tracks are asked for now rather than once their tiles have rendered, which
    // they then find under way: seeing the others is what makes joining feel quick.
    // With data saver, only the speaker's and the pinned camera are pulled, by their tiles.
    const { mode } = this.viewing
    const shown = shownTracksOf(room.state, room.userId, { cameras: mode === 'all', screens: mode !== 'audioOnly' })
    for (const ref of shown) calls.prefetch(ref)
    // Publishing waits for the tiles' own pulls too (the AI's voice is not prefetched):
    // partytracks runs its Calls requests in order.
    await nextTask()
    // A page that cannot encrypt in an E2EE meeting sends nothing rather than clear media.
    if (this.phase !== 'joined' || !encrypting) return
    if (media.mic) {
      this.#pushes.push(calls.push(media.mic$).subscribe((audio) => audio && this.#published({ audio })))
    }
    if (media.camera) {
      this.#pushes.push(
        calls.push(media.camera$, of(cameraEncodings)).subscribe((video) => video && this.#published({ video })),
      )
    }
  }

  /**
   * The room timed us out (a network drop longer than its presence timeout) and sends the lobby's
   * view, without anyone's tracks, until the page says it is back a moment later. Our pulls are
   * held over that moment (before the tiles react to the state) instead of closed and pulled
   * again: closing and re-pulling in one go left the page's Calls session unable to apply the
   * next answer ("Failed to setup RTCP mux"), and nobody saw or heard us again.
   */
  #holdPullsWhileAway() {
    if (this.phase === 'joined' && this.room.view === 'lobby') this.calls?.holdAll(REJOIN_HOLD_MS)
  }

  /**
   * After a network drop longer than the room's presence timeout, the room has removed us and,
   * on reconnect, counts us back in as not joined and without tracks, so nobody sees us: say
   * again that we are here once its state shows that.
   */
  syncPresence() {
    const { room } = this
    if (this.phase !== 'joined') return
    if (room.status !== 'open') this.#away = true
    else if (this.#away && room.me && !room.me.joined) {
      this.#away = false
      this.#announce()
    }
  }

  setMic(on: boolean) {
    this.media.setMicEnabled(on)
    this.room.update({ tracks: { audioEnabled: this.media.micEnabled }, speaking: false })
  }

  setCamera(on: boolean) {
    this.media.setCameraEnabled(on)
    this.room.update({ tracks: { videoEnabled: this.media.cameraEnabled } })
  }

  async shareScreen() {
    if (!this.calls || this.screen || this.encryption.unsupported) return
    const stream = await navigator.mediaDevices.getDisplayMedia({
      video: { frameRate: MAX_SCREENSHARE_FRAMERATE },
      audio: false,
    })
    const track = stream.getVideoTracks()[0]
    if (!track) return
    this.screen = track
    track.addEventListener('ended', () => this.stopScreen())
    this.#screenPush = this.calls.push(of(track), of(screenEncodings)).subscribe((screenshare) => {
      if (screenshare) this.#published({ screenshare, screenShareEnabled: true })
    })
  }

  stopScreen() {
    this.#screenPush?.unsubscribe()
    this.#screenPush = undefined
    this.#refs.screenshare = undefined
    this.screen?.stop()
    this.screen = undefined
    this.room.update({ tracks: { screenShareEnabled: false } })
  }

  leave() {
    this.leftMeetingId = this.room.state?.meetingId
    this.room.leave()
    this.#close()
    this.phase = 'left'
  }

  /** Leaving the page without the button (closing the tab, reloading): tell the room at once. */
  unload() {
    if (this.phase === 'left') return
    this.room.leave()
    this.#close()
  }

  #close() {
    this.#stopListening()
    this.#stopErrors()
    this.#stopStates()
    for (const p of this.#pushes) p.unsubscribe()
    this.#screenPush?.unsubscribe()
    this.screen?.stop()
    this.calls?.close()
    this.media.stop()
    this.encryption.stop()
  }

  /** That we are in the meeting, with our current tracks and whether each is on. */
  #announce() {
    const { media } = this
    const { audio, video, screenshare } = this.#refs
    this.room.send({
      type: 'userUpdate',
      user: {
        joined: true,
        tracks: {
          audioEnabled: media.micEnabled,
          videoEnabled: media.cameraEnabled,
          audioUnavailable: !media.mic,
          audio,
          video,
          ...(screenshare ? { screenshare, screenShareEnabled: true } : {}),
        },
      },
      // Read by the room only from the join that opens the meeting; its default would be on.
      e2ee: openingE2ee(this.e2ee),
    })
  }

  /** A track (re)published, as partytracks does again after its own reconnects: kept for #announce. */
  #published(tracks: { audio?: string; video?: string; screenshare?: string; screenShareEnabled?: boolean }) {
    const { audio = this.#refs.audio, video = this.#refs.video, screenshare = this.#refs.screenshare } = tracks
    this.#refs = { audio, video, screenshare }
    this.room.update({ tracks })
  }

  /** Joining refused (locked, full) or no room for us at all: back to the lobby, saying why. */
  #refused(code: RoomErrorCode, error: string) {
    if (code === 'forbidden') return this.toasts.show(error)
    if (code !== 'room_locked' && code !== 'room_full' && code !== 'too_many_connections' && code !== 'removed') return
    this.refusal = error
    if (this.phase !== 'joined' || this.room.me?.joined) return
    for (const p of this.#pushes.splice(0)) p.unsubscribe()
    this.phase = 'lobby'
  }

  /** Out of the meeting by someone else's hand: stop everything and say who. */
  #out(why: 'removed' | 'ended', by: string | typeof OPERATOR, meetingId: string | undefined, before: RoomState) {
    this.endedBy =
      by === OPERATOR
        ? { why, name: 'An operator', operator: true }
        : { why, name: by === this.room.userId ? 'You' : nameIn(before, by) }
    this.leftMeetingId = why === 'ended' ? meetingId : undefined
    this.room.close()
    this.#close()
    this.phase = 'left'
  }

  #notice(event: LoggedEvent, before: RoomState) {
    const me = this.room.userId
    if (event.type === 'UserRemoved' && event.data.userId === me)
      return this.#out('removed', event.data.by, undefined, before)
    if (event.type === 'UserRemovedByOperator' && event.data.userId === me)
      return this.#out('removed', OPERATOR, undefined, before)
    const inMeeting = before.users.some((u) => u.id === me && u.joined)
    if (event.type === 'MeetingEndedForAll' && inMeeting) {
      return this.#out('ended', event.data.by, event.data.meetingId, before)
    }
    if (event.type === 'MeetingEndedByOperator' && inMeeting) {
      return this.#out('ended', OPERATOR, event.data.meetingId, before)
    }
    if (this.phase !== 'joined') return
    // Muted by the host: our mic goes off, whoever did it.
    if (event.type === 'UserMuted' && event.data.userId === me) this.media.setMicEnabled(false)
    const notice = noticeOf(event, me, before, this.room.state)
    if (!notice) return
    this.toasts.show(notice.toast)
    if (notice.chime) chime(notice.chime)
  }
}
