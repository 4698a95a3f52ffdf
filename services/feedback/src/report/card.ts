import type { ChatCardMessage, ChatSection, FeedbackRequest } from '@tangerine/contracts/feedback'
import type { Identity } from '@tangerine/contracts'

export interface CardInput {
  feedbackId: string
  report: FeedbackRequest
  reporter: Identity | undefined
  userAgent: string | undefined
  roomUrl: string | undefined
  debugInfoUrl: string | undefined
}

// Google Chat renders a little HTML in text widgets; a report is shown as typed, not as markup.
const escapeText = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')

const link = (header: string, text: string, url: string): ChatSection => ({
  header,
  widgets: [{ buttonList: { buttons: [{ text, onClick: { openLink: { url } } }] } }],
})

/** The report as one Google Chat card: description, user agent, room link, debug-info link. */
export function feedbackCard(input: CardInput): ChatCardMessage {
  const who = input.reporter
    ? `${input.reporter.name}${input.reporter.email ? ` <${input.reporter.email}>` : ''}`
    : 'Anonymous'
  const room = input.report.room
  const sections: ChatSection[] = [
    { header: 'Description', widgets: [{ textParagraph: { text: escapeText(input.report.description) } }] },
    {
      header: 'User agent',
      widgets: [{ decoratedText: { text: escapeText(input.userAgent ?? 'unknown'), wrapText: true } }],
    },
  ]
  if (room && input.roomUrl) sections.push(link('Room', room, input.roomUrl))
  if (input.debugInfoUrl) sections.push(link('Debug info', 'Open debug info', input.debugInfoUrl))
  return {
    text: `Problem report from ${who}${room ? ` in ${room}` : ''}: ${input.report.description.slice(0, 200)}`,
    cardsV2: [
      {
        cardId: `feedback-${input.feedbackId}`,
        card: {
          header: { title: 'Tangerine problem report', subtitle: escapeText(room ? `${who} · room ${room}` : who) },
          sections,
        },
      },
    ],
  }
}
