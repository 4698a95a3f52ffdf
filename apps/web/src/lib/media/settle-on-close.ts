/**
 * Chromium never settles an SDP operation that was in flight when its peer connection closed
 * (the spec's "abort these steps"): the promise stays pending for ever. partytracks runs every
 * negotiation of a page, of the old session and the new, through one first-in-first-out chain,
 * so a pull or push caught mid-negotiation when a failed connection is replaced blocks the new
 * session's negotiations for good: the page reconnects to nothing. Here such an operation rejects
 * when its connection closes, as one begun after the close does, and the chain moves on.
 */

const OPERATIONS = ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription'] as const

/** Each connection's operations in flight: how to reject them. */
const inFlight = new WeakMap<RTCPeerConnection, Set<(reason: DOMException) => void>>()
const installed = Symbol.for('tangerine.settleOnClose')

type Operation = (this: RTCPeerConnection, ...args: unknown[]) => Promise<unknown>

/** Makes every peer connection of the page reject its in-flight SDP operations on `close()`. Idempotent. */
export function settleOnClose(Peer: typeof RTCPeerConnection = globalThis.RTCPeerConnection) {
  const proto = Peer?.prototype as (RTCPeerConnection & { [installed]?: true }) | undefined
  if (!proto || proto[installed]) return
  proto[installed] = true

  const methods = proto as unknown as Record<(typeof OPERATIONS)[number], Operation>
  for (const name of OPERATIONS) {
    const native = methods[name]
    methods[name] = function (this: RTCPeerConnection, ...args: unknown[]) {
      const operation = native.apply(this, args)
      if (this.signalingState === 'closed') return operation
      return new Promise((resolve, reject) => {
        const pending = inFlight.get(this) ?? new Set()
        inFlight.set(this, pending)
        pending.add(reject)
        operation.then(resolve, reject).finally(() => pending.delete(reject))
      })
    }
  }

  const close = proto.close
  proto.close = function (this: RTCPeerConnection) {
    close.call(this)
    const pending = inFlight.get(this)
    inFlight.delete(this)
    for (const reject of pending ?? []) reject(new DOMException('The peer connection was closed', 'InvalidStateError'))
  }
}
