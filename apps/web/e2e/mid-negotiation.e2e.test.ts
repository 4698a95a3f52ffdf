import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { people } from './people.ts'
import { framesIn, tileOf } from './tiles.ts'

/*
 * A Calls connection that fails while it is negotiating. Chromium never settles an SDP operation
 * whose connection closed under it, and partytracks queues every negotiation of the page behind
 * the one before: the replacement connection used to wait for ever behind the dead one's, so the
 * page reconnected to nothing (seen in relay.e2e one run in four, where the failure is faked at a
 * moment that is often mid-negotiation). Here the failure comes exactly then.
 */

const { join } = people({ perTest: true })

/**
 * Test-only: keeps the page's peer connections, and when `__failMidSdp` is set, makes the next
 * setRemoteDescription's connection report 'failed' (as a lost network does) while that
 * operation is still in flight.
 */
function failMidNegotiation() {
  const w = window as unknown as { __pcs: RTCPeerConnection[]; __failMidSdp?: boolean; __failedMidSdp?: boolean }
  w.__pcs = []
  const Native = window.RTCPeerConnection
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config)
      w.__pcs.push(this)
    }
  }
  const setRemote: (this: RTCPeerConnection, description: RTCSessionDescriptionInit) => Promise<void> =
    Native.prototype.setRemoteDescription
  Native.prototype.setRemoteDescription = function (this: RTCPeerConnection, description: RTCSessionDescriptionInit) {
    const operation = setRemote.call(this, description)
    if (w.__failMidSdp) {
      w.__failMidSdp = false
      queueMicrotask(() => {
        w.__failedMidSdp = this.signalingState !== 'closed'
        Object.defineProperty(this, 'connectionState', { configurable: true, get: () => 'failed' })
        this.dispatchEvent(new Event('connectionstatechange'))
      })
    }
    return operation
  }
}

const connections = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => ({
      connection: pc.connectionState,
      signaling: pc.signalingState,
      transceivers: pc.getTransceivers().length,
    })),
  )

describe('a Calls connection that fails mid-negotiation', () => {
  it('is replaced by one that negotiates, and the page sees and is seen again', { timeout: 150_000 }, async () => {
    const room = `midsdp-${Date.now().toString(36)}`
    const ada = await join('Ada', room, { initScript: failMidNegotiation })
    const bob = await join('Bob', room)
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 45_000 }).toBeGreaterThan(3)
    await expect.poll(() => framesIn(bob, 'Ada'), { timeout: 45_000 }).toBeGreaterThan(3)
    const before = (await connections(ada)).length

    // Cy's arrival has Ada pull Cy's tracks: an offer from the SFU, whose setRemoteDescription is
    // in flight when Ada's connection fails.
    await ada.evaluate(() => ((window as unknown as { __failMidSdp: boolean }).__failMidSdp = true))
    const cy = await join('Cy', room)
    await expect
      .poll(() => ada.evaluate(() => (window as unknown as { __failedMidSdp?: boolean }).__failedMidSdp), {
        timeout: 30_000,
      })
      .toBe(true)

    try {
      // A new connection, which negotiates (partytracks makes it at once) and connects.
      await expect
        .poll(async () => (await connections(ada)).slice(before).some((c) => c.connection === 'connected'), {
          timeout: 30_000,
        })
        .toBe(true)
      for (const name of ['Bob', 'Cy']) {
        await tileOf(ada, name).waitFor({ timeout: 15_000 })
        await expect.poll(() => framesIn(ada, name), { timeout: 30_000 }).toBeGreaterThan(3)
      }
      for (const page of [bob, cy])
        await expect.poll(() => framesIn(page, 'Ada'), { timeout: 30_000 }).toBeGreaterThan(3)
    } catch (err) {
      console.error('Ada', { connections: await connections(ada) })
      throw err
    }
  })
})
