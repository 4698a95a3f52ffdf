import { describe, expect, it } from 'vitest'
import { TurnClient } from '../../../../packages/sfu/test/helpers/turn-client.ts'
import { stackUrl, turnCredential } from './outsider.ts'

/*
 * An outsider with a lobby name and the TURN credential every browser gets tries to use the
 * stack's coturn as a way into the host and its network: to the gateway's and the SFU API's TCP
 * ports, and to private and metadata addresses. coturn's answers to the requests are the
 * verdict; no data is ever sent to a non-loopback address.
 */

const gatewayPort = Number(new URL(stackUrl).port)
const SFU_API_PORT = 7880

const credential = () => turnCredential('Mallory')

describe('attacks: TURN as an open relay into the host', () => {
  it('no TCP relay reaches the gateway’s or the SFU API’s port', async () => {
    const c = await credential()
    for (const target of [gatewayPort, SFU_API_PORT]) {
      const client = await TurnClient.open(c.host, c.port, 'tcp')
      try {
        const allocation = await client.allocate(c.username, c.password, 'tcp')
        const connect = allocation.ok ? await client.connect('127.0.0.1', target) : allocation
        expect(connect, `TCP relay to 127.0.0.1:${target}`).toMatchObject({ ok: false })
      } finally {
        client.close()
      }
    }
  })

  it.each(['10.0.0.1', '192.168.1.1', '172.16.0.1', '100.64.0.1', '169.254.169.254', '127.0.0.2'])(
    'no permission for %s',
    async (ip) => {
      const c = await credential()
      const client = await TurnClient.open(c.host, c.port, 'udp')
      try {
        expect(await client.allocate(c.username, c.password)).toMatchObject({ ok: true })
        expect(await client.createPermission(ip)).toEqual({ ok: false, code: 403, reason: 'Forbidden IP' })
      } finally {
        client.close()
      }
    },
  )
})
