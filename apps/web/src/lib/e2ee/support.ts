/**
 * Whether this page can take part in end-to-end encrypted meetings, and through which API.
 * Loaded with the room page, so it stays tiny: everything else of E2EE loads only when needed.
 */

/** The encoded-transform API this browser has, which frame encryption runs in. */
export type TransformApi =
  /** The standard one: the transform runs in our worker. */
  | 'script-transform'
  /**
   * Chromium's older `createEncodedStreams`, whose streams are handed to the worker. Chromium once
   * refused it on a peer connection not made with `encodedInsertableStreams: true`, which
   * partytracks gives no way to set; Chromium 156 allows it on a transceiver that has not sent yet
   * (ours get it as they are added: an e2e test runs a meeting this way). Where a browser still
   * refuses, the meeting's lock says why. It has no key-frame requests, so video after a rekey
   * waits for the encoder's next key frame.
   */
  | 'encoded-streams'

export function transformApi(): TransformApi | undefined {
  if (typeof globalThis.RTCRtpScriptTransform === 'function') return 'script-transform'
  if (typeof RTCRtpSender !== 'undefined' && 'createEncodedStreams' in RTCRtpSender.prototype) return 'encoded-streams'
  return undefined
}

/** The browser runs encoded transforms, which frame encryption needs. */
export function e2eeSupported(): boolean {
  return transformApi() !== undefined
}

export const E2EE_UNSUPPORTED = 'This browser cannot encrypt calls end to end (it has no encoded transforms)'

/** Why the host cannot open an end-to-end encrypted meeting from this page, if they cannot. */
export function e2eeChoiceUnavailable(): string | undefined {
  return e2eeSupported() ? undefined : `${E2EE_UNSUPPORTED}.`
}

/** What the opening join says of encryption: the host's choice, where this page can keep it. */
export function openingE2ee(chosen: boolean): boolean {
  return chosen && !e2eeChoiceUnavailable()
}
