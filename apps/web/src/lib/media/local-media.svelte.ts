import { BehaviorSubject, filter, type Observable } from 'rxjs'
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

  /** The current tracks as streams for partytracks: a new device replaces the pushed track in place. */
  readonly #camera$ = new BehaviorSubject<MediaStreamTrack | undefined>(undefined)
  readonly #mic$ = new BehaviorSubject<MediaStreamTrack | undefined>(undefined)
  readonly camera$: Observable<MediaStreamTrack> = this.#camera$.pipe(filter((t): t is MediaStreamTrack => !!t))
  readonly mic$: Observable<MediaStreamTrack> = this.#mic$.pipe(filter((t): t is MediaStreamTrack => !!t))

  #audio: AudioContext | undefined
  #meter: ReturnType<typeof setInterval> | undefined
  #started: Promise<void> | undefined

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
    if (this.camera) this.camera.enabled = this.cameraEnabled
  }

  setMicEnabled(on: boolean) {
    this.micEnabled = on && !!this.mic
    if (this.mic) this.mic.enabled = this.micEnabled
    if (!this.micEnabled) this.speaking = false
  }

  stop() {
    clearInterval(this.#meter)
    void this.#audio?.close()
    this.camera?.stop()
    this.mic?.stop()
  }

  #use(camera: MediaStreamTrack | undefined, mic: MediaStreamTrack | undefined) {
    this.camera = camera
    this.cameraId = camera?.getSettings().deviceId
    if (camera) camera.enabled = this.cameraEnabled
    this.#camera$.next(camera)
    if (mic !== this.mic) {
      this.mic = mic
      this.micId = mic?.getSettings().deviceId
      if (mic) mic.enabled = this.micEnabled
      this.#mic$.next(mic)
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
