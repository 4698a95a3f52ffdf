/**
 * Whether this page can take part in end-to-end encrypted meetings: the browser's side (an
 * encoded-transform API) and ours (the frame encryption, which lands on its own).
 */

/**
 * Off until the page encrypts media: until then a meeting it opens must not be recorded as end-to-end
 * encrypted, whatever the host chose. Flipped once, when the browser part of E2EE is in.
 */
export const E2EE_READY = false

/** The browser runs encoded transforms in a worker, which frame encryption needs. */
export function e2eeSupported(): boolean {
  return typeof globalThis.RTCRtpScriptTransform === 'function'
}

export const E2EE_UNSUPPORTED = 'This browser cannot encrypt calls end to end (it has no RTCRtpScriptTransform)'

/** Why the host cannot open an end-to-end encrypted meeting from this page, if they cannot. */
export function e2eeChoiceUnavailable(): string | undefined {
  if (!e2eeSupported()) return `${E2EE_UNSUPPORTED}.`
  if (!E2EE_READY) return 'End-to-end encryption is not available here yet'
  return undefined
}

/** What the opening join says of encryption: the host's choice, where this page can keep it. */
export function openingE2ee(chosen: boolean): boolean {
  return chosen && !e2eeChoiceUnavailable()
}
