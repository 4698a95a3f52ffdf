import * as z from 'zod'
import { RoomErrorCode } from './rooms/messages.ts'

/**
 * RFC 9457 Problem Details: the one error shape every Tangerine service answers with.
 * `errors` carries field-level detail from validation so a client can point at the bad field.
 */
export const ProblemDetails = z.object({
  type: z.string().default('about:blank'),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
export type ProblemDetails = z.infer<typeof ProblemDetails>

const PROBLEMS = 'https://tangerine.dev/problems'

/** One problem type per room refusal code: a room's `{type:"error",code}` as Problem Details. */
const roomProblemTypes = Object.fromEntries(
  RoomErrorCode.options.map((code) => [code, `${PROBLEMS}/room/${code}`]),
) as {
  readonly [Code in RoomErrorCode]: `${typeof PROBLEMS}/room/${Code}`
}

export const problemTypes = {
  room: roomProblemTypes,
  validation: 'https://tangerine.dev/problems/validation',
  notFound: 'https://tangerine.dev/problems/not-found',
  unavailable: 'https://tangerine.dev/problems/unavailable',
  internal: 'https://tangerine.dev/problems/internal',
  payloadTooLarge: 'https://tangerine.dev/problems/payload-too-large',
  unauthorized: 'https://tangerine.dev/problems/unauthorized',
  forbidden: 'https://tangerine.dev/problems/forbidden',
  rateLimited: 'https://tangerine.dev/problems/rate-limited',
} as const

export function problem(
  status: number,
  title: string,
  init: Omit<Partial<ProblemDetails>, 'status' | 'title'> = {},
): ProblemDetails {
  return { type: 'about:blank', ...init, title, status }
}

/** Flattens zod issues into `{ path, message }` pairs, the `errors` member of a problem. */
export function issuesOf(error: z.core.$ZodError): NonNullable<ProblemDetails['errors']> {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }))
}

export function validationProblem(error: z.core.$ZodError, detail = 'The request is not valid.'): ProblemDetails {
  return problem(400, 'Invalid request', {
    type: problemTypes.validation,
    detail,
    errors: issuesOf(error),
  })
}

const roomCodeByType = new Map<string, RoomErrorCode>(
  Object.entries(roomProblemTypes).map(([code, type]) => [type, code as RoomErrorCode]),
)

/**
 * A room's refusal as it comes back over HTTP: Problem Details whose type is one of
 * `problemTypes.room`, with the `code` the room refused with beside it.
 */
export const RoomRefusalProblem = ProblemDetails.extend({
  type: z.string().refine((type) => roomCodeByType.has(type), 'not a room problem type'),
}).transform((p) => ({ ...p, code: roomCodeByType.get(p.type)! }))
