import type { FeedbackMessage } from '@tangerine/contracts/feedback'

/** A queue message as the producer writes it, with a marker a receiver plan can match. */
export function feedbackMessage(marker: string): FeedbackMessage {
  const feedbackId = crypto.randomUUID()
  return {
    idempotencyKey: crypto.randomUUID(),
    feedbackId,
    createdAt: new Date().toISOString(),
    card: {
      text: `Problem report: ${marker}`,
      cardsV2: [
        {
          cardId: `feedback-${feedbackId}`,
          card: {
            header: { title: 'Tangerine problem report' },
            sections: [{ header: 'Description', widgets: [{ textParagraph: { text: marker } }] }],
          },
        },
      ],
    },
  }
}
