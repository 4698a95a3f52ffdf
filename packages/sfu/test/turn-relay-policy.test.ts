import { createSocket, type Socket } from 'node:dgram'
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IceServersResponse } from '@tangerine/contracts/calls/api'
import { cfEnvelope, TurnKeyCreated } from '@tangerine/contracts/calls/turn'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, APP_SECRET, startTestSfu, loopbackTurn } from './helpers/sfu.ts'
import { TurnClient } from './helpers/turn-client.ts'

/*
 * Where coturn relays, asked the way an outsider with a browser's credential would: a real TURN
 * client's CreatePermission and RFC 6062 Connect requests, judged by coturn's answers. Data is
 * only ever sent to loopback.
 */

let sfu: RunningSfu
let login: { username: string; credential: string }
beforeAll(async () => {
  sfu = await startTestSfu({
    turn: loopbackTurn([49800, 49899]),
  })
  const keyRes = await fetch(`${sfu.url}/client/v4/accounts/${APP_ID}/calls/turn_keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${APP_SECRET}` },
    body: JSON.stringify({ name: 'policy' }),
  })
  const key = cfEnvelope(TurnKeyCreated).parse(await keyRes.json()).result!
  const res = await fetch(`${sfu.url}/v1/turn/keys/${key.uid}/credentials/generate-ice-servers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key.key}` },
    body: JSON.stringify({ ttl: 600 }),
  })
  const turn = IceServersResponse.parse(await res.json()).iceServers.find((s) => s.username)!
  login = { username: turn.username!, credential: turn.credential! }
})
afterAll(() => sfu.close())

async function allocated(transport: 'udp' | 'tcp' = 'udp') {
  for (let tries = 1; ; tries++) {
    const client = await TurnClient.open('127.0.0.1', sfu.turn!.port, transport)
    const result = await client.allocate(login.username, login.credential)
    // 437 (Allocation Mismatch): the OS gave this socket the port of an earlier one whose UDP
    // allocation coturn still keeps (10 min; it stays even after a Refresh to 0 for a while); a
    // fresh-clone run hit it once. That says nothing of the relay policy under test: take another port.
    if (!result.ok && result.code === 437 && tries < 3) {
      client.close()
      continue
    }
    expect(result).toMatchObject({ ok: true })
    return client
  }
}

const FORBIDDEN = { ok: false, code: 403, reason: 'Forbidden IP' }

function udpListener(ip: string): Promise<{ socket: Socket; port: number; received: Buffer[] }> {
  const socket = createSocket('udp4')
  const received: Buffer[] = []
  socket.on('message', (msg) => received.push(msg))
  return new Promise((resolve) => socket.bind(0, ip, () => resolve({ socket, port: socket.address().port, received })))
}

describe('coturn relays to the SFU’s media address only', () => {
  it.each([
    ['10.0.0.1'],
    ['192.168.1.1'],
    ['169.254.169.254'],
    ['172.16.0.1'],
    ['100.64.0.1'],
    ['224.0.0.1'],
    ['0.0.0.0'],
    ['127.0.0.2'],
    ['127.0.0.53'],
  ])('refuses a permission for %s (UDP and TCP to coturn)', async (ip) => {
    for (const transport of ['udp', 'tcp'] as const) {
      const client = await allocated(transport)
      try {
        expect(await client.createPermission(ip)).toEqual(FORBIDDEN)
      } finally {
        client.close()
      }
    }
  })

  it('grants a permission for the SFU’s media address', async () => {
    const client = await allocated()
    try {
      expect(await client.createPermission('127.0.0.1')).toEqual({ ok: true })
    } finally {
      client.close()
    }
  })

  it('delivers to the SFU’s address and not to another loopback address', async () => {
    const other = await udpListener('127.0.0.2')
    const media = await udpListener('127.0.0.1')
    const client = await allocated()
    try {
      expect(await client.createPermission('127.0.0.2')).toEqual(FORBIDDEN)
      expect(await client.createPermission('127.0.0.1')).toEqual({ ok: true })
      client.send('127.0.0.2', other.port, Buffer.from('to another service'))
      client.send('127.0.0.1', media.port, Buffer.from('to the media address'))
      // coturn handles one client's indications in order: once the second has arrived, the
      // first would have too. (expect.poll's default 1 s is less than a loaded machine may take.)
      await expect.poll(() => media.received.length, { timeout: 20_000 }).toBe(1)
      expect(other.received).toEqual([])
    } finally {
      client.close()
      other.socket.close()
      media.socket.close()
    }
  })

  it('refuses TCP relays (RFC 6062), so no TCP service on the host is reachable', async () => {
    let connections = 0
    const http: Server = createServer((socket) => {
      connections++
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n')
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const port = (http.address() as { port: number }).port
    const client = await TurnClient.open('127.0.0.1', sfu.turn!.port, 'tcp')
    try {
      const allocation = await client.allocate(login.username, login.credential, 'tcp')
      const connect = allocation.ok ? await client.connect('127.0.0.1', port) : allocation
      expect(connect).toMatchObject({ ok: false })
      expect(allocation).toEqual({ ok: false, code: 442, reason: expect.any(String) as string })
      expect(connections).toBe(0)
    } finally {
      client.close()
      await new Promise((resolve) => http.close(resolve))
    }
  })
})
