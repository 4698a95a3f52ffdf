import type { ItemErrorCode, TopLevelErrorCode } from '@tangerine/contracts/calls/api'

/** A failure the HTTP layer answers with `status`, in the shape of the API that `code` belongs to. */
class ApiError<Code> extends Error {
  readonly status: number
  readonly code: Code

  // Plain fields, not parameter properties: the SFU runs on Node's type stripping.
  constructor(status: number, code: Code, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

/** A top-level API failure; the HTTP layer turns it into `{errorCode, errorDescription}`. */
export class CallsError extends ApiError<TopLevelErrorCode> {}

/** A TURN key API failure, in Cloudflare's account API envelope rather than the Calls shape. */
export class EnvelopeError extends ApiError<number> {}

export const envelopeBody = (result: unknown, errors: Array<{ code: number; message: string }> = []) => ({
  success: errors.length === 0,
  errors,
  messages: [],
  result: errors.length === 0 ? result : null,
})

export const invalidParams = (description: string) => new CallsError(406, 'invalid_params', description)
export const invalidSdp = (description: string) => new CallsError(400, 'invalid_session_description', description)

/** A per-item failure: the request still answers 200 and the item carries these fields. */
export interface ItemError {
  errorCode: ItemErrorCode
  errorDescription: string
}

export const trackNotFound: ItemError = {
  errorCode: 'not_found_track_error',
  errorDescription:
    'Track not found on remote peer. Make sure the publisher peer is connected and sending packets for this track',
}
