import { describe, expect, it } from 'vitest'
import { inOneWindow } from '../../../../scripts/test-support/rate-limit-window.ts'
import { call, isEvent, outsider, roomSocket, tab, type Answer, type Outsider } from './outsider.ts'

/*
 * Outsiders against the after-call question and the feedback rate limit: raw HTTP and WebSocket
 * clients through the real gateway, each person with a cookie jar of their own. Each test sends
 * from a loopback address of its own (127.0.0.0/8), which `wrangler dev`, like Cloudflare's edge,
 * hands on as `cf-connecting-ip`, so per-address limits here touch no other test.
 */

const freshAddress = () => `127.0.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`

const problem = (a: Answer) => a.body as { status: number; title: string; detail?: string }

describe('forged call-quality answers', () => {
  it('are refused: another person’s id, a made-up id, someone only in the lobby; the real participant may answer', async () => {
    const from = freshAddress()
    const room = `attack-quality-${tab()}`
    const ada = await outsider('Ada', from)
    const mallory = await outsider('Mallory', from)

    const adaTab = await roomSocket(room, ada)
    adaTab.send({ type: 'userUpdate', user: { joined: true } })
    await expect.poll(() => adaTab.messages.find(isEvent('MeetingStarted'))).toBeTruthy()
    const meetingId = adaTab.messages.flatMap((m) =>
      m.type === 'event' && m.event.type === 'MeetingStarted' ? [m.event.data.meetingId] : [],
    )[0]!
    // Mallory waits in the lobby: she sees Ada's user id in the room's state.
    const malloryTab = await roomSocket(room, mallory)
    await expect.poll(() => malloryTab.ws.readyState).toBe(WebSocket.OPEN)

    const quality = (who: Outsider, userId: string, rating: number) =>
      call('POST', `/api/rooms/${room}/quality`, { from, cookie: who.cookie, json: { meetingId, userId, rating } })

    const forged = await quality(mallory, adaTab.id, 1)
    expect(forged.status).toBe(403)
    expect(problem(forged).title).toBe('Not your user id')
    const madeUp = await quality(mallory, `${mallory.key}${tab()}`, 1)
    expect(madeUp.status).toBe(403)
    expect(problem(madeUp).title).toBe('Not in that meeting')
    const lobbyOnly = await quality(mallory, malloryTab.id, 1)
    expect(lobbyOnly.status).toBe(403)
    expect(problem(lobbyOnly).detail).toContain(meetingId)
    const noIdentity = await call('POST', `/api/rooms/${room}/quality`, {
      from,
      json: { meetingId, userId: adaTab.id, rating: 1 },
    })
    expect(noIdentity.status).toBe(401)

    // Ada answers; her second answer replaces the first (one per person and meeting).
    expect((await quality(ada, adaTab.id, 2)).status).toBe(204)
    expect((await quality(ada, adaTab.id, 5)).status).toBe(204)
    for (const t of [adaTab, malloryTab]) t.close()
  })
})

/**
 * A burst against a limit counted in wall-clock windows, from a fresh address, run until one run
 * falls in one window. inOneWindow starts it where it should fit; on a machine loaded enough that
 * it still straddles a boundary, the count restarted halfway and the run proves nothing either
 * way, so it is run again in the next window.
 */
async function burstInOneWindow<T>(burst: (from: string) => Promise<T>): Promise<T> {
  for (let run = 0; ; run++) {
    await inOneWindow()
    const window = Math.floor(Date.now() / 60_000)
    const result = await burst(freshAddress())
    if (Math.floor(Date.now() / 60_000) === window || run === 2) return result
  }
}

describe('the feedback rate limit', () => {
  const report = (from: string, cookie?: string) =>
    call('POST', '/api/feedback', { from, cookie, json: { description: `attack report ${tab()}` } })

  it('holds for a caller who picks a new lobby name for every report', { timeout: 240_000 }, async () => {
    const statuses = await burstInOneWindow(async (from) => {
      const me = await outsider('Name 0', from)
      const statuses = []
      for (let i = 0; i < 6; i++) {
        // Renaming keeps the cookie's session, and so its user key.
        const renamed = await call('POST', '/api/session', { from, cookie: me.cookie, json: { name: `Name ${i}` } })
        expect((renamed.body as { identity: { key: string } }).identity.key).toBe(me.key)
        statuses.push((await report(from, renamed.cookie)).status)
      }
      return statuses
    })
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429])
  })

  it(
    'holds per address for a caller who mints a fresh session cookie (a new key) each time, and for anonymous callers',
    { timeout: 240_000 },
    async () => {
      const { statuses, anonymous } = await burstInOneWindow(async (from) => {
        const statuses = []
        for (let i = 0; i < 9; i++)
          statuses.push((await report(from, (await outsider(`Fresh ${i}`, from)).cookie)).status)
        return { statuses, anonymous: await report(from) }
      })
      expect(statuses.slice(0, 8)).toEqual(Array(8).fill(202))
      expect(statuses[8]).toBe(429)
      expect(anonymous.status).toBe(429)
      expect(problem(anonymous).title).toBe('Too many reports')
    },
  )
})
