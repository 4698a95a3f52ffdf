import type {
  CloseDataChannelsRequest,
  CloseDataChannelsResponse,
  DataChannelObject,
  DataChannelResult,
  EstablishDataChannelRequest,
  EstablishDataChannelResponse,
  NewDataChannelsRequest,
  NewDataChannelsResponse,
  UpdateDataChannelsRequest,
  UpdateDataChannelsResponse,
} from '@tangerine/contracts/calls/api'
import { CallsError, invalidParams, invalidSdp } from '../errors.ts'
import { closeChannel, type DataChannelRecord } from '../sessions/data-channel.ts'
import type { Session } from '../sessions/session.ts'
import type { OperationContext } from './context.ts'

/** A `waitForAck` subscriber must send its first message within this (spec A.2). */
export const ACK_TIMEOUT_MS = 30_000

/**
 * "Set at most one of maxRetransmits and maxPacketLifeTime"
 * (https://developers.cloudflare.com/realtime/sfu/features/datachannels/): both is a bad
 * combination of fields, `invalid_params`, refused before anything changes.
 */
function checkDelivery(item: Pick<DataChannelObject, 'maxRetransmits' | 'maxPacketLifeTime'>, where: string) {
  if (item.maxRetransmits !== undefined && item.maxPacketLifeTime !== undefined) {
    throw invalidParams(`${where}: set at most one of maxRetransmits and maxPacketLifeTime`)
  }
}

const options = (item: DataChannelObject, id: number) => ({
  negotiated: true,
  id,
  ordered: item.ordered ?? true,
  ...(item.maxRetransmits === undefined ? {} : { maxRetransmits: item.maxRetransmits }),
  ...(item.maxPacketLifeTime === undefined ? {} : { maxPacketLifeTime: item.maxPacketLifeTime }),
})

/**
 * Adds the SCTP transport (an m=application section) to the session, with the SFU's
 * `id: 0` channel; answers the client's offer or makes the SFU's own.
 */
export async function establish(
  ctx: OperationContext,
  body: EstablishDataChannelRequest,
): Promise<EstablishDataChannelResponse> {
  const { session } = ctx
  if (session.dataChannels.length > 0 || session.pc.sctpTransport) {
    throw new CallsError(400, 'decoding_error', 'The data channel transport is already established')
  }
  const offer = body.sessionDescription
  if (offer && offer.type !== 'offer') throw invalidSdp('datachannels/establish takes an offer, not an answer')
  checkDelivery(body.dataChannel, 'dataChannel')
  session.assertStable()
  await session.waitForTransport(ctx.transportWaitMs)
  const name = body.dataChannel.dataChannelName
  const create = () => {
    const channel = session.pc.createDataChannel(name, options(body.dataChannel, 0))
    session.dataChannels.push({
      location: 'remote',
      dataChannelName: name,
      id: 0,
      channel,
      closed: false,
      subscribers: new Set(),
    })
  }
  const dataChannel = { dataChannelName: name, id: 0 }
  if (offer) {
    const sdp = await session.answer(offer.sdp, create)
    return { requiresImmediateRenegotiation: false, dataChannel, sessionDescription: { type: 'answer', sdp } }
  }
  create()
  const sdp = await session.offer()
  return { requiresImmediateRenegotiation: true, dataChannel, sessionDescription: { type: 'offer', sdp } }
}

/**
 * The SFU's next stream id, of its own DTLS role's parity (RFC 8832 §6: the DTLS client takes even
 * ids, the server odd), so it never takes one the endpoint opens in-band, as an endpoint that put
 * its own DataChannel in its first offer does. Ids are not reused, nor those werift holds.
 */
function nextId(session: Session): number {
  const sctp = session.pc.sctpTransport
  const taken = new Set([
    ...session.dataChannels.map((c) => c.id),
    ...Object.keys(sctp?.dataChannels ?? {}).map(Number),
  ])
  let id = sctp?.dtlsTransport.role === 'client' ? 0 : 1
  while (taken.has(id)) id += 2
  return id
}

/** Publishes or subscribes named channels; the client opens each as `negotiated` with the returned id. */
export async function newDataChannels(
  ctx: OperationContext,
  body: NewDataChannelsRequest,
): Promise<NewDataChannelsResponse> {
  const { session } = ctx
  if (!session.pc.sctpTransport) {
    throw invalidParams('Establish the data channel transport first (datachannels/establish)')
  }
  for (const [i, item] of body.dataChannels.entries()) {
    if (item.location === 'remote' && !item.sessionId) throw invalidParams(`dataChannels[${i}].sessionId is required`)
    if (item.location === 'local' && (item.waitForAck || item.canReply)) {
      throw invalidParams(`dataChannels[${i}]: waitForAck and canReply are for remote channels`)
    }
    checkDelivery(item, `dataChannels[${i}]`)
  }
  // Waiting holds the session's other calls; after the answer the transport needs none of them.
  session.assertStable()
  await session.waitForTransport(ctx.transportWaitMs)
  const dataChannels = body.dataChannels.map((item) => {
    const echo = { location: item.location, dataChannelName: item.dataChannelName, sessionId: item.sessionId }
    if (item.location === 'local') {
      if (session.publishedChannel(item.dataChannelName)) {
        return { ...echo, errorCode: 'repeated_local_track_error', errorDescription: 'Data channel already published' }
      }
      const id = nextId(session)
      const record: DataChannelRecord = {
        location: 'local',
        dataChannelName: item.dataChannelName,
        id,
        channel: session.pc.createDataChannel(item.dataChannelName, options(item, id)),
        closed: false,
        subscribers: new Set(),
      }
      record.channel.onMessage.subscribe((message) => {
        for (const subscriber of record.subscribers) {
          if (subscriber.readyState === 'open') subscriber.send(message)
        }
      })
      session.dataChannels.push(record)
      return { ...echo, id }
    }
    const source = ctx.registry.findChannel(ctx.appId, item.sessionId ?? '', item.dataChannelName)
    if (!source) {
      return { ...echo, errorCode: 'not_found_track_error', errorDescription: 'Data channel not found on remote peer' }
    }
    const id = nextId(session)
    const channel = session.pc.createDataChannel(item.dataChannelName, options(item, id))
    const record: DataChannelRecord = {
      location: 'remote',
      dataChannelName: item.dataChannelName,
      id,
      sessionId: item.sessionId,
      channel,
      closed: false,
      subscribers: new Set(),
      source,
      acked: !item.waitForAck,
      detach: () => {
        clearTimeout(record.ackTimer)
        source.subscribers.delete(channel)
        if (source.replier === record) source.replier = undefined
      },
    }
    // "Granting canReply to another subscriber replaces the previous selection"
    // (https://developers.cloudflare.com/realtime/sfu/platform/limits/).
    if (item.canReply) source.replier = record
    if (record.acked) source.subscribers.add(channel)
    // Nothing is relayed to it until it says it is ready; silent for too long, it is closed.
    else record.ackTimer = setTimeout(() => closeChannel(record), ACK_TIMEOUT_MS)
    channel.onMessage.subscribe((message) => {
      if (record.closed) return
      if (!record.acked) {
        record.acked = true
        clearTimeout(record.ackTimer)
        source.subscribers.add(channel)
        return
      }
      if (source.replier === record && !source.closed && source.channel.readyState === 'open')
        source.channel.send(message)
    })
    session.dataChannels.push(record)
    return { ...echo, id }
  })
  return { dataChannels }
}

/** A channel as the API's items show it: where it is, its name, its id on this session. */
const described = (record: DataChannelRecord): DataChannelResult => ({
  location: record.location,
  ...(record.sessionId === undefined ? {} : { sessionId: record.sessionId }),
  dataChannelName: record.dataChannelName,
  id: record.id,
})

/**
 * Lets a subscriber send back to the publisher, or stops it (`canReply`); one per channel. The
 * documented body names the subscription by the publisher's `sessionId` and `dataChannelName`
 * (https://developers.cloudflare.com/realtime/sfu/features/datachannels/, "Change reply access");
 * an `id` of this session names it too.
 */
export async function updateDataChannels(
  ctx: OperationContext,
  body: UpdateDataChannelsRequest,
): Promise<UpdateDataChannelsResponse> {
  for (const [i, item] of body.dataChannels.entries()) {
    if (item.id === undefined && (!item.sessionId || !item.dataChannelName)) {
      throw invalidParams(`dataChannels[${i}] names no subscription: give its sessionId and dataChannelName`)
    }
  }
  await ctx.session.waitForTransport(ctx.transportWaitMs)
  const dataChannels = body.dataChannels.map((item): DataChannelResult => {
    const canReply = item.canReply ?? false
    const record = ctx.session.dataChannels.find(
      (c) =>
        !c.closed &&
        c.location === 'remote' &&
        (item.id === undefined || c.id === item.id) &&
        (item.sessionId === undefined || c.sessionId === item.sessionId) &&
        (item.dataChannelName === undefined || c.dataChannelName === item.dataChannelName),
    )
    const source = record?.source
    if (!record || !source) {
      const { location, sessionId, dataChannelName, id } = item
      return {
        location,
        sessionId,
        dataChannelName,
        id,
        errorCode: 'update_track_error',
        errorDescription: 'No open subscription to this data channel on this session',
      }
    }
    // Granting replaces whoever held it, as at datachannels/new.
    if (canReply) {
      source.replier = record
    } else if (source.replier === record) {
      source.replier = undefined
    }
    return { ...described(record), canReply }
  })
  return { dataChannels }
}

export function closeDataChannels(ctx: OperationContext, body: CloseDataChannelsRequest): CloseDataChannelsResponse {
  const dataChannels = body.dataChannels.map(({ id }): DataChannelResult => {
    const record = ctx.session.dataChannels.find((c) => c.id === id && !c.closed)
    if (!record)
      return {
        id,
        errorCode: 'close_track_error',
        errorDescription: "Data channel doesn't exist or was already closed",
      }
    closeChannel(record)
    // The API schema's close example answers with the whole channel (https://developers.cloudflare.com/realtime/sfu/api/).
    return described(record)
  })
  return { dataChannels }
}
