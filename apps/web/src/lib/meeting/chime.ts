let context: AudioContext | undefined

/**
 * A short two-note chime for someone joining (rising) or leaving (falling). Made with WebAudio
 * rather than a sound file: nothing to download, and quiet enough not to cover speech.
 */
export function chime(kind: 'join' | 'leave') {
  try {
    context ??= new AudioContext()
    const [first, second] = kind === 'join' ? [660, 880] : [880, 660]
    const now = context.currentTime
    for (const [i, frequency] of [first, second].entries()) {
      const osc = context.createOscillator()
      const gain = context.createGain()
      osc.frequency.value = frequency
      gain.gain.setValueAtTime(0.0001, now + i * 0.12)
      gain.gain.exponentialRampToValueAtTime(0.08, now + i * 0.12 + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.2)
      osc.connect(gain).connect(context.destination)
      osc.start(now + i * 0.12)
      osc.stop(now + i * 0.12 + 0.22)
    }
  } catch {
    // No audio output (or autoplay refused): the toast still says it.
  }
}
