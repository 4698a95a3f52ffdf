import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { people } from './people.ts'
import { framesIn, tileOf } from './tiles.ts'

/*
 * Media through TURN: both pages may only use relay candidates (as behind a firewall that lets
 * nothing direct through), so the camera reaches the SFU, and the SFU the other page, only via
 * the stack's coturn with credentials the media Worker got from the TURN API.
 */

const { join } = people({ perTest: true })

/** Test-only: every peer connection on the page gets `iceTransportPolicy: 'relay'`, and is kept for getStats. */
function forceRelay() {
  const Native = window.RTCPeerConnection
  const w = window as unknown as { __pcs: RTCPeerConnection[]; __pcConfigs: RTCConfiguration[] }
  w.__pcs = []
  w.__pcConfigs = []
  window.RTCPeerConnection = class extends Native {
    constructor(config: RTCConfiguration = {}) {
      const forced: RTCConfiguration = { ...config, iceTransportPolicy: 'relay' }
      super(forced)
      w.__pcConfigs.push(JSON.parse(JSON.stringify(forced)) as RTCConfiguration)
      w.__pcs.push(this)
    }
  }
}

async function person(name: string, room: string) {
  const iceRequests: string[] = []
  const complaints: string[] = []
  const page = await join(name, room, {
    initScript: forceRelay,
    onPage: (page) => {
      page.on('request', (req) => {
        if (/\/api\/(partytracks\/generate-ice-servers|ice-servers)/.test(req.url()))
          iceRequests.push(new URL(req.url()).pathname)
      })
      page.on('response', (res) => {
        if (res.status() >= 400)
          complaints.push(`${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`)
      })
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') complaints.push(`${msg.type()}: ${msg.text()}`)
      })
    },
  })
  return { page, iceRequests, complaints }
}

/** The selected candidate pair of each connected peer connection on the page, from getStats. */
function selectedPairs(page: Page) {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
    const out: Array<{
      state: string
      localType?: string
      relayProtocol?: string
      localAddress?: string
      remoteAddress?: string
      bytesReceived?: number
    }> = []
    for (const pc of pcs.filter((p) => p.connectionState === 'connected')) {
      const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>
      const byId = new Map(stats.map((s) => [s.id as string, s]))
      const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId)
      const pair = transport && byId.get(transport.selectedCandidatePairId as string)
      const local = pair && byId.get(pair.localCandidateId as string)
      const remote = pair && byId.get(pair.remoteCandidateId as string)
      out.push({
        state: String(pair?.state),
        localType: local?.candidateType as string | undefined,
        relayProtocol: local?.relayProtocol as string | undefined,
        localAddress: local ? `${String(local.address)}:${String(local.port)}` : undefined,
        remoteAddress: remote ? `${String(remote.address)}:${String(remote.port)}` : undefined,
        bytesReceived: pair?.bytesReceived as number | undefined,
      })
    }
    return out
  })
}

/** What each peer connection on the page is doing, oldest first: to tell an ICE failure from a negotiation stuck. */
function pcStates(page: Page) {
  return page.evaluate(() =>
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => ({
      connection: pc.connectionState,
      ice: pc.iceConnectionState,
      gathering: pc.iceGatheringState,
      signaling: pc.signalingState,
      transceivers: pc.getTransceivers().map((t) => `${t.mid}:${t.direction}/${t.currentDirection}`),
      remote: pc.remoteDescription?.type,
    })),
  )
}

describe('a meeting where only TURN relays get through', () => {
  it('pushes a camera through coturn to the SFU and pulls it on the other page', async () => {
    const room = `relay-${Date.now().toString(36)}`
    const ada = await person('Ada', room)
    const bob = await person('Bob', room)

    await tileOf(bob.page, 'Ada').waitFor({ timeout: 15_000 })
    try {
      await expect.poll(() => framesIn(bob.page, 'Ada'), { timeout: 45_000 }).toBeGreaterThan(3)
    } catch (err) {
      // What each side's ICE did, to tell a TURN failure from a media one.
      for (const [name, p] of [
        ['Ada', ada],
        ['Bob', bob],
      ] as const) {
        const states = await p.page.evaluate(() =>
          (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map(
            (pc) => `${pc.connectionState}/${pc.iceConnectionState}`,
          ),
        )
        console.error(name, { iceRequests: p.iceRequests, states, pairs: await selectedPairs(p.page) })
      }
      throw err
    }

    for (const { page, iceRequests } of [ada, bob]) {
      // The ICE servers came from the media Worker, with a TURN credential.
      expect(iceRequests.length).toBeGreaterThan(0)
      const configs = await page.evaluate(() => (window as unknown as { __pcConfigs: RTCConfiguration[] }).__pcConfigs)
      const turn = configs
        .flatMap((c) => c.iceServers ?? [])
        .find((s) => [s.urls].flat().some((u) => u.startsWith('turn:')))
      expect(turn).toMatchObject({ username: expect.stringMatching(/^\d+:/), credential: expect.any(String) })
      expect([turn!.urls].flat()).toEqual(
        expect.arrayContaining([expect.stringMatching(/transport=udp$/), expect.stringMatching(/transport=tcp$/)]),
      )

      // The connection to the SFU runs over a relay candidate, i.e. through coturn.
      // Polled: Chromium's consent checks put the selected pair back 'in-progress' for one round
      // trip every few seconds, so one snapshot can catch a working pair mid-check.
      await expect
        .poll(() => selectedPairs(page), { timeout: 15_000, interval: 250 })
        .toSatisfy(
          (pairs: Awaited<ReturnType<typeof selectedPairs>>) =>
            pairs.length > 0 &&
            pairs.every(
              (p) => p.state === 'succeeded' && p.localType === 'relay' && /udp|tcp/.test(p.relayProtocol ?? ''),
            ),
        )
    }
  })

  it('takes a fresh TURN credential when it reconnects to the SFU', { timeout: 150_000 }, async () => {
    const room = `relay-again-${Date.now().toString(36)}`
    const ada = await person('Ada', room)
    const bob = await person('Bob', room)
    await expect.poll(() => framesIn(bob.page, 'Ada'), { timeout: 45_000 }).toBeGreaterThan(3)
    // The TURN credential each of Ada's peer connections was made with, oldest first.
    const turnCredentials = () =>
      ada.page.evaluate(() =>
        (window as unknown as { __pcConfigs: RTCConfiguration[] }).__pcConfigs.map((c) => {
          const turn = (c.iceServers ?? []).find((s) => [s.urls].flat().some((u) => u.startsWith('turn:')))
          return { username: turn?.username, credential: turn?.credential }
        }),
      )
    const before = await turnCredentials()
    expect(before.length).toBeGreaterThan(0)
    const fetchedBefore = ada.iceRequests.length
    // As a lost network would: the transport reports 'failed', on which partytracks builds a new
    // peer connection and Calls session (test-only: the state is the browser's, faked here).
    await ada.page.evaluate(() => {
      const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
      const pc = pcs[pcs.length - 1]!
      Object.defineProperty(pc, 'connectionState', { configurable: true, get: () => 'failed' })
      pc.dispatchEvent(new Event('connectionstatechange'))
    })
    await expect.poll(async () => (await turnCredentials()).length, { timeout: 20_000 }).toBe(before.length + 1)
    // Asked the media Worker again, and made the new connection with what it answered: a
    // credential none of the old connections had, not one kept from before.
    expect(ada.iceRequests.length).toBeGreaterThan(fetchedBefore)
    const after = (await turnCredentials()).at(-1)!
    expect(after).toMatchObject({ username: expect.stringMatching(/^\d+:/), credential: expect.any(String) })
    expect(before.map((c) => c.username)).not.toContain(after.username)
    expect(before.map((c) => c.credential)).not.toContain(after.credential)
    // The new connection runs over a relay with that credential.
    try {
      await expect
        .poll(
          async () => (await selectedPairs(ada.page)).some((p) => p.state === 'succeeded' && p.localType === 'relay'),
          { timeout: 30_000, interval: 250 },
        )
        .toBe(true)
    } catch (err) {
      console.error('Ada', {
        pcs: await pcStates(ada.page),
        pairs: await selectedPairs(ada.page),
        complaints: ada.complaints,
      })
      throw err
    }
  })

  it('gives ICE servers to a page with an identity at /api/ice-servers, with STUN, TURN and a TTL', async () => {
    const { page } = await person('Cy', `relay-ice-${Date.now().toString(36)}`)
    const answer = await page.evaluate(() =>
      fetch('/api/ice-servers').then(async (r) => ({ status: r.status, body: (await r.json()) as unknown })),
    )
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({
      ttl: expect.any(Number),
      iceServers: expect.arrayContaining([
        { urls: [expect.stringMatching(/^stun:127\.0\.0\.1:3478$/)] },
        expect.objectContaining({ urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'] }),
      ]),
    })
  })
})
