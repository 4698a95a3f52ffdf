import type { AiState } from '@tangerine/contracts'

/** Invited or joined: here or on its way, so it can be dismissed and not invited again. */
export const aiPresent = (ai: AiState): boolean => ai.status === 'pending' || ai.status === 'joined'

/** Who is talking to the AI, if anyone: only a joined AI hears someone. */
export const aiController = (ai: AiState): string | undefined =>
  ai.status === 'joined' ? ai.controllingUser : undefined

/** The AI as it was, with nobody talking to it. */
export function released(ai: AiState): AiState {
  if (ai.status !== 'joined') return ai
  const { controllingUser: _user, ...rest } = ai
  return rest
}
