/**
 * The meeting's keyboard shortcuts: one table, read by the key handler, the buttons' tooltips
 * (and `aria-keyshortcuts`) and the help dialog, so the three cannot disagree.
 *
 * Mic and camera are Google Meet's (Ctrl/⌘+D, Ctrl/⌘+E), which people already know; the rest add
 * Alt so that no single character key acts on its own (WCAG 2.1.4) and none is a browser's own.
 * Matched on `code`, not `key`: on a Mac, Alt turns H into "˙".
 */
export type ShortcutAction = 'mic' | 'camera' | 'hand' | 'ai' | 'chat' | 'people' | 'leave' | 'help'

export interface Shortcut {
  action: ShortcutAction
  /** `KeyboardEvent.code` of the key, with Ctrl (⌘ on a Mac) held. */
  code: string
  alt: boolean
  what: string
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'mic', code: 'KeyD', alt: false, what: 'Turn the microphone on or off' },
  { action: 'camera', code: 'KeyE', alt: false, what: 'Turn the camera on or off' },
  { action: 'hand', code: 'KeyH', alt: true, what: 'Raise or lower your hand' },
  { action: 'ai', code: 'KeyA', alt: true, what: 'Talk to the AI, or stop (while it is in the meeting)' },
  { action: 'chat', code: 'KeyC', alt: true, what: 'Open or close the chat' },
  { action: 'people', code: 'KeyP', alt: true, what: 'Open or close the people list' },
  { action: 'leave', code: 'KeyQ', alt: true, what: 'Leave the meeting' },
  { action: 'help', code: 'Slash', alt: false, what: 'Show these shortcuts (also ? outside a text field)' },
]

type Keys = Pick<KeyboardEvent, 'code' | 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>

/** Whether Ctrl or ⌘ is the command key here. */
export const isMac = (platform = globalThis.navigator?.platform ?? '') => /Mac|iPhone|iPad/.test(platform)

/**
 * The action `event` asks for, or undefined. `typing`: focus is in a text field, where a bare `?`
 * is a character, not a request for help.
 */
export function shortcutFor(event: Keys, typing: boolean, mac = isMac()): ShortcutAction | undefined {
  if (!typing && event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey) return 'help'
  const command = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey
  // Ctrl+Shift+D is the debug panel's; Shift turns nothing here into something else.
  if (!command || event.shiftKey) return undefined
  return SHORTCUTS.find((s) => s.code === event.code && s.alt === event.altKey)?.action
}

/** How the keys are written for people, e.g. "Ctrl+Alt+H" or "⌘+⌥+H". */
export function keysLabel(shortcut: Shortcut, mac = isMac()): string {
  const key = shortcut.code === 'Slash' ? '/' : shortcut.code.replace('Key', '')
  return [mac ? '⌘' : 'Ctrl', ...(shortcut.alt ? [mac ? '⌥' : 'Alt'] : []), key].join('+')
}

/** The same for `aria-keyshortcuts`, whose names are fixed (Control, Meta, Alt). */
export function ariaKeys(shortcut: Shortcut, mac = isMac()): string {
  const key = shortcut.code === 'Slash' ? '/' : shortcut.code.replace('Key', '')
  return [mac ? 'Meta' : 'Control', ...(shortcut.alt ? ['Alt'] : []), key].join('+')
}

export const shortcut = (action: ShortcutAction): Shortcut => SHORTCUTS.find((s) => s.action === action)!

/** Whether keys typed now go into a text field (an input that takes text, a textarea, an editable element). */
export function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement)
    return true
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'range'].includes(target.type)
}
