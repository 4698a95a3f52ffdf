/** Where the choice is kept: this browser's, for every room. */
const KEY = 'tangerine:viewing'

/**
 * How much of the others' video this person takes: everything (each tile at the layer that fits
 * it), data saver (the lowest layer, and only for whoever speaks and whoever is pinned), or audio
 * only (no video at all). Remembered in localStorage; what one sends is not affected.
 */
export class Viewing {
  mode = $state<'all' | 'dataSaver' | 'audioOnly'>('all')
  readonly #storage: Storage | undefined

  constructor(storage: Storage | undefined = globalThis.localStorage) {
    this.#storage = storage
    const stored = storage?.getItem(KEY)
    if (stored === 'dataSaver' || stored === 'audioOnly') this.mode = stored
  }

  /** Turns one of the two on (and the other off), or back to everything. */
  toggle(mode: 'dataSaver' | 'audioOnly') {
    this.mode = this.mode === mode ? 'all' : mode
    try {
      this.#storage?.setItem(KEY, this.mode)
    } catch {
      // Storage full or refused (private mode): the choice holds for this page only.
    }
  }

  /** How much of a camera tile's video to pull, given whether it is the one being listened to or looked at. */
  cameraQuality(focused: boolean): 'fit' | 'lowest' | 'none' {
    if (this.mode === 'audioOnly') return 'none'
    if (this.mode === 'dataSaver') return focused ? 'lowest' : 'none'
    return 'fit'
  }
}
