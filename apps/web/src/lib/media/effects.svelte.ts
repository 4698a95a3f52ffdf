import * as z from 'zod'
import type { LocalMedia } from './local-media.svelte.ts'

/** The choices remembered on this device (nothing leaves it). */
export const EffectChoices = z.object({ blur: z.boolean().catch(false), noise: z.boolean().catch(false) })
export type EffectChoices = z.infer<typeof EffectChoices>

const KEY = 'tangerine:media-effects'

/** What is stored, read leniently: a damaged entry means both off. */
export function parseChoices(raw: string | null): EffectChoices {
  try {
    return EffectChoices.parse(JSON.parse(raw ?? '{}'))
  } catch {
    return { blur: false, noise: false }
  }
}

/**
 * Background blur and noise suppression: on or off as this device last chose, applied to the
 * camera and mic. Their code, runtimes and models load only when one is turned on.
 */
export class MediaEffects {
  blur = $state(false)
  noise = $state(false)
  /** The effect this browser could not apply, if any (its switch goes back off). */
  failed = $state<'blur' | 'noise'>()
  readonly #media: LocalMedia

  constructor(media: LocalMedia) {
    this.#media = media
    const { blur, noise } = parseChoices(localStorage.getItem(KEY))
    if (blur) void this.set('blur', true)
    if (noise) void this.set('noise', true)
  }

  async set(which: 'blur' | 'noise', on: boolean) {
    this[which] = on
    if (this.failed === which) this.failed = undefined
    localStorage.setItem(KEY, JSON.stringify({ blur: this.blur, noise: this.noise }))
    const ok = await this.#media.setEffect(
      which === 'blur' ? 'camera' : 'mic',
      !on
        ? undefined
        : which === 'blur'
          ? async (t) => (await import('./effects/background-blur.ts')).blurBackground(t)
          : async (t) => (await import('./effects/noise-suppression.ts')).suppressNoise(t),
    )
    if (!ok && this[which] === on) {
      this[which] = false
      this.failed = which
    }
  }
}
