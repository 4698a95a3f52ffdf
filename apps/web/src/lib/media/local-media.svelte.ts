import { BehaviorSubject, filter, type Observable } from 'rxjs'
import type { ProcessedTrack, TrackEffect } from './effects/track-effect.ts'
import { cameraConstraints } from './limits.ts'

/** Loudness (RMS of the mic's waveform, 0..1) above which someone counts as speaking. */
const SPEAKING_LEVEL = 0.02
const SILENCE_BEFORE_QUIET_MS = 700

/**
 * This person's camera and microphone: acquisition, device choice, on/off, and a speaking
 * signal from the mic's level. Turning a device off disables its track (the pushed track stays,
 * so turning it back on needs no renegotiation).
 */
export class LocalMedia {
  camera = $state<MediaStreamTrack>()
  mic = $state<MediaStreamTrack>()
  cameraEnabled = $state(true)
  micEnabled = $state(true)
  devices = $state<MediaDeviceInfo[]>([])
  cameraId = $state<string>()
  micId = $state<string>()
  error = $state<string>()
  speaking = $state(false)
  level = $state(0)
  /** What the camera sends and the preview shows: the camera itself, or the camera through an effect. */
  sentCamera = $state<MediaStreamTrack>()

  /** The current tracks as streams for partytracks: a new device replaces the pushed track in place. */
  readonly #camera$ = new BehaviorSubject<MediaStreamTrack | undefined>(undefined)
  readonly #mic$ = new BehaviorSubject<MediaStreamTrack | undefined>(undefined)
  readonly camera$: Observable<MediaStreamTrack> = this.#camera$.pipe(filter((t): t is MediaStreamTrack => !!t))
  readonly mic$: Observable<MediaStreamTrack> = this.#mic$.pipe(filter((t): t is MediaStreamTrack => !!t))

  #audio: AudioContext | undefined
  #meter: ReturnType<typeof setInterval> | undefined
  #started: Promise<void> | undefined
  readonly #effects = {
    camera: { effect: undefined as TrackEffect | undefined, out: undefined as ProcessedTrack | undefined },
    mic: { effect: undefined as TrackEffect | undefined, out: undefined as ProcessedTrack | undefined },
  }

  get cameras() {
    return this.devices.filter((d) => d.kind === 'videoinput')
  }
  get mics() {
    return this.devices.filter((d) => d.kind === 'audioinput')
  }

  /** Asks for the camera and mic once; every later call waits for that same answer. */
  start(): Promise<void> {
    return (this.#started ??= this.#acquire())
  }

  async #acquire() {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: cameraConstraints, audio: true })
      this.#use(stream.getVideoTracks()[0], stream.getAudioTracks()[0])
    } catch (err) {
      // Without a camera (or permission for it), still try the microphone alone.
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true })
        this.#use(undefined, stream.getAudioTracks()[0])
        this.cameraEnabled = false
        this.error = `Camera unavailable: ${(err as Error).message}`
      } catch (micErr) {
        this.cameraEnabled = false
        this.micEnabled = false
        this.error = `Camera and microphone unavailable: ${(micErr as Error).message}`
      }
    }
    this.devices = await navigator.mediaDevices.enumerateDevices()
  }

  async selectCamera(deviceId: string) {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { ...cameraConstraints, deviceId: { exact: deviceId } },
    })
    this.camera?.stop()
    this.#use(stream.getVideoTracks()[0], this.mic)
  }

  async selectMic(deviceId: string) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: deviceId } } })
    this.mic?.stop()
    this.#use(this.camera, stream.getAudioTracks()[0])
  }

  setCameraEnabled(on: boolean) {
    this.cameraEnabled = on && !!this.camera
    this.#enable('camera', this.cameraEnabled)
  }

  setMicEnabled(on: boolean) {
    this.micEnabled = on && !!this.mic
    this.#enable('mic', this.micEnabled)
    if (!this.micEnabled) this.speaking = false
  }

  /**
   * Sends the camera or mic through `effect` (none: as it is), now and for any device chosen
   * later. The published track is replaced in place (no renegotiation). Resolves false, and
   * sends the device as it is, when the effect failed.
   */
  async setEffect(kind: 'camera' | 'mic', effect: TrackEffect | undefined): Promise<boolean> {
    this.#effects[kind].effect = effect
    return this.#apply(kind)
  }

  stop() {
    clearInterval(this.#meter)
    void this.#audio?.close()
    this.#effects.camera.out?.stop()
    this.#effects.mic.out?.stop()
    this.camera?.stop()
    this.mic?.stop()
  }

  #enable(kind: 'camera' | 'mic', on: boolean) {
    for (const track of [this[kind], this.#effects[kind].out?.track]) if (track) track.enabled = on
  }

  async #apply(kind: 'camera' | 'mic'): Promise<boolean> {
    const slot = this.#effects[kind]
    const { effect } = slot
    const source = this[kind]
    const out =
      source && effect
        ? await effect(source).catch((error: unknown) => void console.warn(`The ${kind}'s effect failed`, error))
        : undefined
    // A later choice (another device, the effect turned off) has taken over meanwhile.
    if (source !== this[kind] || effect !== slot.effect) {
      out?.stop()
      return true
    }
    slot.out?.stop()
    slot.out = out
    this.#enable(kind, kind === 'camera' ? this.cameraEnabled : this.micEnabled)
    const sent = out?.track ?? source
    if (kind === 'camera') {
      this.sentCamera = sent
      this.#camera$.next(sent)
    } else this.#mic$.next(sent)
    // No device yet is no failure: the effect applies once one comes.
    return !effect || !source || !!out
  }

  #use(camera: MediaStreamTrack | undefined, mic: MediaStreamTrack | undefined) {
    const newCamera = camera !== this.camera
    this.camera = camera
    this.cameraId = camera?.getSettings().deviceId
    if (camera) camera.enabled = this.cameraEnabled
    // With an effect on, the device is sent only through it (or as it is once the effect failed).
    if (newCamera) void this.#apply('camera')
    if (mic !== this.mic) {
      this.mic = mic
      this.micId = mic?.getSettings().deviceId
      if (mic) mic.enabled = this.micEnabled
      void this.#apply('mic')
      this.#measure(mic)
    }
  }

  #measure(mic: MediaStreamTrack | undefined) {
    clearInterval(this.#meter)
    if (!mic) return
    this.#audio ??= new AudioContext()
    const analyser = this.#audio.createAnalyser()
    // The window must span more than one tick, or a short sound between two reads is never seen
    // and the ring flickers (Chromium's fake mic beeps 20 ms every 500 ms): 8192 samples is
    // 170 ms at 48 kHz, 186 ms at 44.1 kHz.
    analyser.fftSize = 8192
    this.#audio.createMediaStreamSource(new MediaStream([mic])).connect(analyser)
    const samples = new Float32Array(analyser.fftSize)
    let lastLoud = 0
    this.#meter = setInterval(() => {
      analyser.getFloatTimeDomainData(samples)
      let sum = 0
      for (const s of samples) sum += s * s
      this.level = Math.sqrt(sum / samples.length)
      const now = performance.now()
      if (this.micEnabled && this.level > SPEAKING_LEVEL) lastLoud = now
      const speaking = this.micEnabled && now - lastLoud < SILENCE_BEFORE_QUIET_MS
      if (speaking !== this.speaking) this.speaking = speaking
    }, 100)
  }
}
