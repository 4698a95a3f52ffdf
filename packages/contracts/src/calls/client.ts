import type { z } from 'zod'
import {
  CloseDataChannelsResponse,
  CloseTracksResponse,
  EstablishDataChannelResponse,
  ErrorResponse,
  GetSessionResponse,
  NewDataChannelsResponse,
  NewSessionResponse,
  RenegotiateResponse,
  TracksResponse,
  UpdateDataChannelsResponse,
  UpdateTracksResponse,
  type CloseDataChannelsRequest,
  type CloseTracksRequest,
  type EstablishDataChannelRequest,
  type NewDataChannelsRequest,
  type NewSessionRequest,
  type RenegotiateRequest,
  type TracksRequest,
  type UpdateDataChannelsRequest,
  type UpdateTracksRequest,
} from './api.ts'

/**
 * A typed Calls API v1 client using only `fetch` and Web APIs, so it runs unchanged
 * in Cloudflare Workers, browsers and Node. Point `baseUrl` at the real service
 * (`https://rtc.live.cloudflare.com/v1`) or the local SFU (`http://127.0.0.1:7880/v1`).
 */
export interface CallsClientOptions {
  baseUrl: string
  appId: string
  appSecret: string
  fetch?: typeof fetch
}

/** A non-2xx answer from the API, carrying the spec's error body. */
export class CallsApiError extends Error {
  readonly status: number
  readonly errorCode: string
  readonly errorDescription: string

  constructor(status: number, errorCode: string, errorDescription: string) {
    super(`Calls API ${status} ${errorCode}: ${errorDescription}`)
    this.name = 'CallsApiError'
    this.status = status
    this.errorCode = errorCode
    this.errorDescription = errorDescription
  }
}

export interface NewSessionOptions {
  thirdparty?: boolean
  correlationId?: string
  body?: NewSessionRequest
}

export function createCallsClient(options: CallsClientOptions) {
  const doFetch = options.fetch ?? fetch
  const appBase = `${options.baseUrl.replace(/\/+$/, '')}/apps/${encodeURIComponent(options.appId)}`

  async function call<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<z.infer<S>> {
    const response = await doFetch(`${appBase}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${options.appSecret}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    let json: unknown
    try {
      json = text.length > 0 ? JSON.parse(text) : {}
    } catch {
      throw new CallsApiError(response.status, 'decoding_error', `Response is not JSON: ${text.slice(0, 200)}`)
    }
    if (!response.ok) {
      const error = ErrorResponse.safeParse(json)
      throw error.success
        ? new CallsApiError(response.status, error.data.errorCode, error.data.errorDescription)
        : new CallsApiError(response.status, 'internal_error', text.slice(0, 200))
    }
    return schema.parse(json)
  }

  const session = (sessionId: string) => `/sessions/${encodeURIComponent(sessionId)}`

  return {
    newSession(opts: NewSessionOptions = {}) {
      const query = new URLSearchParams()
      if (opts.thirdparty) query.set('thirdparty', 'true')
      if (opts.correlationId) query.set('correlationId', opts.correlationId)
      const qs = query.size > 0 ? `?${query}` : ''
      return call(NewSessionResponse, 'POST', `/sessions/new${qs}`, opts.body)
    },
    newTracks(sessionId: string, body: TracksRequest) {
      return call(TracksResponse, 'POST', `${session(sessionId)}/tracks/new`, body)
    },
    renegotiate(sessionId: string, body: RenegotiateRequest) {
      return call(RenegotiateResponse, 'PUT', `${session(sessionId)}/renegotiate`, body)
    },
    closeTracks(sessionId: string, body: CloseTracksRequest) {
      return call(CloseTracksResponse, 'PUT', `${session(sessionId)}/tracks/close`, body)
    },
    updateTracks(sessionId: string, body: UpdateTracksRequest) {
      return call(UpdateTracksResponse, 'PUT', `${session(sessionId)}/tracks/update`, body)
    },
    getSession(sessionId: string) {
      return call(GetSessionResponse, 'GET', session(sessionId))
    },
    establishDataChannel(sessionId: string, body: EstablishDataChannelRequest) {
      return call(EstablishDataChannelResponse, 'POST', `${session(sessionId)}/datachannels/establish`, body)
    },
    newDataChannels(sessionId: string, body: NewDataChannelsRequest) {
      return call(NewDataChannelsResponse, 'POST', `${session(sessionId)}/datachannels/new`, body)
    },
    updateDataChannels(sessionId: string, body: UpdateDataChannelsRequest) {
      return call(UpdateDataChannelsResponse, 'PUT', `${session(sessionId)}/datachannels/update`, body)
    },
    closeDataChannels(sessionId: string, body: CloseDataChannelsRequest) {
      return call(CloseDataChannelsResponse, 'PUT', `${session(sessionId)}/datachannels/close`, body)
    },
  }
}

export type CallsClient = ReturnType<typeof createCallsClient>
