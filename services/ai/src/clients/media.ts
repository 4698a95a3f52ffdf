import { mediaClient } from '@tangerine/media/client'

/** The media Worker, which holds the Calls secret and makes the AI's third-party session. */
export const media = (env: AiEnv) => mediaClient(env.MEDIA)
