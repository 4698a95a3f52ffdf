import { describe, expect, it } from 'vitest'
import { keysLabel, shortcut, shortcutFor } from './shortcuts.ts'

const keys = (code: string, more: Partial<KeyboardEvent> = {}) => ({
  code,
  key: more.key ?? code.replace('Key', '').toLowerCase(),
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...more,
})

describe('which shortcut a key press is', () => {
  it('takes Ctrl+D and Ctrl+E for mic and camera, as Google Meet does', () => {
    expect(shortcutFor(keys('KeyD', { ctrlKey: true }), false, false)).toBe('mic')
    expect(shortcutFor(keys('KeyE', { ctrlKey: true }), true, false)).toBe('camera')
  })

  it('takes ⌘, not Ctrl, on a Mac', () => {
    expect(shortcutFor(keys('KeyD', { metaKey: true }), false, true)).toBe('mic')
    expect(shortcutFor(keys('KeyD', { ctrlKey: true }), false, true)).toBeUndefined()
  })

  it('needs Alt for hand, chat, people and leave, and matches the key where Alt changes the character', () => {
    expect(shortcutFor(keys('KeyH', { ctrlKey: true, altKey: true, key: '˙' }), false, false)).toBe('hand')
    expect(shortcutFor(keys('KeyH', { ctrlKey: true }), false, false)).toBeUndefined()
    expect(shortcutFor(keys('KeyQ', { ctrlKey: true, altKey: true }), false, false)).toBe('leave')
    expect(shortcutFor(keys('KeyA', { ctrlKey: true, altKey: true, key: 'å' }), false, false)).toBe('ai')
    // Ctrl+A alone stays the browser's "select all".
    expect(shortcutFor(keys('KeyA', { ctrlKey: true }), false, false)).toBeUndefined()
  })

  it('leaves Ctrl+Shift+D to the debug panel and bare letters to typing', () => {
    expect(shortcutFor(keys('KeyD', { ctrlKey: true, shiftKey: true }), false, false)).toBeUndefined()
    expect(shortcutFor(keys('KeyD'), false, false)).toBeUndefined()
  })

  it('opens help on ? outside a text field only, and on Ctrl+/ anywhere', () => {
    expect(shortcutFor(keys('Slash', { key: '?', shiftKey: true }), false, false)).toBe('help')
    expect(shortcutFor(keys('Slash', { key: '?', shiftKey: true }), true, false)).toBeUndefined()
    expect(shortcutFor(keys('Slash', { key: '/', ctrlKey: true }), true, false)).toBe('help')
  })

  it('writes the keys as people read them on each system', () => {
    expect(keysLabel(shortcut('hand'), false)).toBe('Ctrl+Alt+H')
    expect(keysLabel(shortcut('mic'), true)).toBe('⌘+D')
  })
})
