/** Where the choices are kept: this browser's, for every room. */
const KEY = 'tangerine:viewing'

interface Stored {
  dataSaver?: unknown
  audioOnly?: unknown
}

/**
 * How much of the others' video this person takes: everything (each tile at the layer that fits
 * it), data saver (the lowest layer, and only for whoever speaks and whoever is pinned), or audio
 * only (no video at all). Remembered in localStorage; what one sends is not affected.
 */
export class Viewing {
  dataSaver = $state(false)
  audioOnly = $state(false)
  readonly #storage: Storage | undefined

  constructor(storage: Storage | undefined = globalThis.localStorage) {
    this.#storage = storage
    let stored: Stored = {}
    try {
      stored = (JSON.parse(storage?.getItem(KEY) ?? '{}') as Stored | null) ?? {}
    } catch {
      // Someone else's value under our key: start from the defaults.
    }
    this.dataSaver = stored.dataSaver === true
    this.audioOnly = stored.audioOnly === true
  }

  setDataSaver(on: boolean) {
    this.dataSaver = on
    this.#save()
  }

  setAudioOnly(on: boolean) {
    this.audioOnly = on
    this.#save()
  }

  /** How much of a camera tile's video to pull, given whether it is the one being listened to or looked at. */
  cameraQuality(focused: boolean): 'fit' | 'lowest' | 'none' {
    if (this.audioOnly) return 'none'
    if (this.dataSaver) return focused ? 'lowest' : 'none'
    return 'fit'
  }

  #save() {
    try {
      this.#storage?.setItem(KEY, JSON.stringify({ dataSaver: this.dataSaver, audioOnly: this.audioOnly }))
    } catch {
      // Storage full or refused (private mode): the choice holds for this page only.
    }
  }
}
