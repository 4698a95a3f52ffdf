/** A few words for the meeting's people (who came, who left, what the host did), gone by themselves. */
export interface Toast {
  id: number
  text: string
}

/** How long a toast shows: long enough to read a short sentence. */
const TOAST_MS = 4000

let toastIds = 0

/** The toasts showing now, oldest first; each leaves after TOAST_MS. */
export class ToastQueue {
  list = $state<Toast[]>([])

  show(text: string) {
    const id = ++toastIds
    this.list = [...this.list, { id, text }]
    setTimeout(() => this.dismiss(id), TOAST_MS)
  }

  dismiss(id: number) {
    this.list = this.list.filter((t) => t.id !== id)
  }
}
