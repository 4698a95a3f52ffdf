/*
 * What a Google Chat incoming webhook accepts, for the local receivers that stand in for one
 * (services/feedback/test/support/receiver.ts, apps/web/e2e/feedback.e2e.test.ts). The rules are
 * Google's published ones, not our contracts' schema (checking our card against our own schema
 * would prove nothing):
 * - developers.google.com/workspace/chat/quickstart/webhooks: the webhook URL carries the
 *   space's `key` and `token` query parameters, and the message is POSTed as
 *   `Content-Type: application/json; charset=UTF-8`;
 * - …/chat/api/reference/rest/v1/spaces.messages/create: "The maximum message size, including
 *   text and cards, is 32,000 bytes";
 * - …/chat/api/reference/rest/v1/spaces.messages (Message) and CardWithId: `cardId` is "Required
 *   if the message contains multiple cards"; a card's "Maximum size is 32 KB";
 * - …/chat/api/reference/rest/v1/cards (Card v2): CardHeader `title` is required; a Section's
 *   widgets "Must contain at least one widget"; "You can add up to 100 widgets per card"; a
 *   Widget holds exactly one of its `data` union fields; TextParagraph and DecoratedText need
 *   `text`; a Button needs `onClick` (one of its `data` union fields), OpenLink needs `url`;
 * - Google APIs' JSON mapping refuses a field the message type does not have ("Invalid JSON
 *   payload received. Unknown name …", 400 INVALID_ARGUMENT).
 * Refusals are answered the way Google APIs answer errors: `{error: {code, message, status}}`.
 */

export const MAX_MESSAGE_BYTES = 32_000
export const MAX_CARD_BYTES = 32 * 1024
export const MAX_WIDGETS_PER_CARD = 100

export interface WebhookSecrets {
  key: string
  token: string
}

export interface Refusal {
  status: number
  body: { error: { code: number; message: string; status: string } }
}

const refuse = (code: number, status: string, message: string): Refusal => ({
  status: code,
  body: { error: { code, message, status } },
})
const invalid = (message: string) => refuse(400, 'INVALID_ARGUMENT', message)

type Json = { [name: string]: unknown }
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0

// Fields of each type as documented (only the types a webhook message can hold are checked in depth).
const MESSAGE_FIELDS = [
  'name',
  'sender',
  'createTime',
  'lastUpdateTime',
  'deleteTime',
  'text',
  'formattedText',
  'cards',
  'cardsV2',
  'annotations',
  'thread',
  'space',
  'fallbackText',
  'actionResponse',
  'argumentText',
  'slashCommand',
  'attachment',
  'matchedUrl',
  'threadReply',
  'clientAssignedMessageId',
  'emojiReactionSummaries',
  'privateMessageViewer',
  'deletionMetadata',
  'quotedMessageMetadata',
  'attachedGifs',
  'accessoryWidgets',
]
const CARD_WITH_ID_FIELDS = ['cardId', 'card']
const CARD_FIELDS = [
  'header',
  'sections',
  'sectionDividerStyle',
  'cardActions',
  'name',
  'fixedFooter',
  'displayStyle',
  'peekCardHeader',
]
const HEADER_FIELDS = ['title', 'subtitle', 'imageType', 'imageUrl', 'imageAltText']
const SECTION_FIELDS = ['header', 'widgets', 'collapsible', 'uncollapsibleWidgetsCount', 'collapseControl']
const WIDGET_DATA = [
  'textParagraph',
  'image',
  'decoratedText',
  'buttonList',
  'textInput',
  'selectionInput',
  'dateTimePicker',
  'divider',
  'grid',
  'columns',
  'carousel',
  'chipList',
]
const WIDGET_FIELDS = [...WIDGET_DATA, 'horizontalAlignment']
const ON_CLICK_DATA = ['action', 'openLink', 'openDynamicLinkAction', 'card', 'overflowMenu']

function unknownField(value: Json, known: string[], where: string): Refusal | undefined {
  const unknown = Object.keys(value).find((k) => !known.includes(k))
  if (unknown)
    return invalid(`Invalid JSON payload received. Unknown name "${unknown}" at '${where}': Cannot find field.`)
}

function checkButton(button: unknown, where: string): Refusal | undefined {
  if (!isObject(button)) return invalid(`${where} must be an object`)
  if (!nonEmptyString(button.text) && !isObject(button.icon)) return invalid(`${where} needs text or an icon`)
  if (!isObject(button.onClick)) return invalid(`${where}.onClick is required`)
  const actions = ON_CLICK_DATA.filter((k) => k in (button.onClick as Json))
  if (actions.length !== 1) return invalid(`${where}.onClick must set exactly one of ${ON_CLICK_DATA.join(', ')}`)
  const open = (button.onClick as Json).openLink
  if (open !== undefined) {
    if (!isObject(open) || !nonEmptyString(open.url)) return invalid(`${where}.onClick.openLink.url is required`)
    if (!/^https?:\/\//.test(open.url)) return invalid(`${where}.onClick.openLink.url is not an http(s) URL`)
  }
}

function checkWidget(widget: unknown, where: string): Refusal | undefined {
  if (!isObject(widget)) return invalid(`${where} must be an object`)
  const unknown = unknownField(widget, WIDGET_FIELDS, where)
  if (unknown) return unknown
  const data = WIDGET_DATA.filter((k) => k in widget)
  if (data.length !== 1) return invalid(`${where} must set exactly one widget type, not ${data.length}`)
  const [kind] = data as [string]
  const body = widget[kind]
  if (!isObject(body)) return invalid(`${where}.${kind} must be an object`)
  if ((kind === 'textParagraph' || kind === 'decoratedText') && !nonEmptyString(body.text))
    return invalid(`${where}.${kind}.text is required`)
  if (kind === 'buttonList') {
    if (!Array.isArray(body.buttons) || body.buttons.length === 0)
      return invalid(`${where}.buttonList.buttons is empty`)
    for (const [i, button] of body.buttons.entries()) {
      const refused = checkButton(button, `${where}.buttonList.buttons[${i}]`)
      if (refused) return refused
    }
  }
}

function checkCard(card: unknown, where: string): Refusal | undefined {
  if (!isObject(card)) return invalid(`${where} must be an object`)
  if (new TextEncoder().encode(JSON.stringify(card)).length > MAX_CARD_BYTES)
    return invalid(`${where} is larger than ${MAX_CARD_BYTES} bytes`)
  const unknown = unknownField(card, CARD_FIELDS, where)
  if (unknown) return unknown
  if (card.header !== undefined) {
    if (!isObject(card.header)) return invalid(`${where}.header must be an object`)
    const unknownInHeader = unknownField(card.header, HEADER_FIELDS, `${where}.header`)
    if (unknownInHeader) return unknownInHeader
    if (!nonEmptyString(card.header.title)) return invalid(`${where}.header.title is required`)
  }
  if (!Array.isArray(card.sections) || card.sections.length === 0) return invalid(`${where}.sections is empty`)
  let widgets = 0
  for (const [i, section] of card.sections.entries()) {
    const at = `${where}.sections[${i}]`
    if (!isObject(section)) return invalid(`${at} must be an object`)
    const unknownInSection = unknownField(section, SECTION_FIELDS, at)
    if (unknownInSection) return unknownInSection
    if (!Array.isArray(section.widgets) || section.widgets.length === 0)
      return invalid(`${at}.widgets must contain at least one widget`)
    for (const [j, widget] of section.widgets.entries()) {
      const refused = checkWidget(widget, `${at}.widgets[${j}]`)
      if (refused) return refused
    }
    widgets += section.widgets.length
  }
  if (widgets > MAX_WIDGETS_PER_CARD)
    return invalid(`${where} has ${widgets} widgets, more than ${MAX_WIDGETS_PER_CARD}`)
}

/** The message, if Google Chat would take it from this request; else how it would refuse it. */
export function checkWebhookRequest(
  request: { url: string; method?: string; contentType: string | undefined; body: string },
  secrets: WebhookSecrets,
): { ok: true; message: Json } | { ok: false; refusal: Refusal } {
  const fail = (refusal: Refusal) => ({ ok: false as const, refusal })
  if (request.method && request.method !== 'POST') return fail(refuse(405, 'METHOD_NOT_ALLOWED', 'Use POST'))
  const query = new URL(request.url, 'http://receiver.invalid').searchParams
  if (query.get('key') !== secrets.key) return fail(invalid('API key not valid. Please pass a valid API key.'))
  if (query.get('token') !== secrets.token)
    return fail(refuse(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'))
  const [type, ...params] = (request.contentType ?? '').split(';').map((p) => p.trim().toLowerCase())
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replaceAll('"', '')
  if (type !== 'application/json' || (charset !== undefined && charset !== 'utf-8'))
    return fail(
      invalid(`Invalid content type ${request.contentType ?? '(none)'}: send application/json; charset=UTF-8`),
    )
  if (new TextEncoder().encode(request.body).length > MAX_MESSAGE_BYTES)
    return fail(invalid(`The message is larger than ${MAX_MESSAGE_BYTES} bytes`))
  let message: unknown
  try {
    message = JSON.parse(request.body)
  } catch {
    return fail(invalid('Invalid JSON payload received.'))
  }
  if (!isObject(message)) return fail(invalid('Invalid JSON payload received. The message must be an object.'))
  const unknown = unknownField(message, MESSAGE_FIELDS, 'message')
  if (unknown) return fail(unknown)
  const cards = message.cardsV2
  if (!nonEmptyString(message.text) && !(Array.isArray(cards) && cards.length > 0))
    return fail(invalid('Message cannot be empty: it needs text or cards.'))
  if (cards !== undefined) {
    if (!Array.isArray(cards)) return fail(invalid('cardsV2 must be a list'))
    const ids = new Set<string>()
    for (const [i, entry] of cards.entries()) {
      const where = `cardsV2[${i}]`
      if (!isObject(entry)) return fail(invalid(`${where} must be an object`))
      const unknownInEntry = unknownField(entry, CARD_WITH_ID_FIELDS, where)
      if (unknownInEntry) return fail(unknownInEntry)
      if (cards.length > 1 && !nonEmptyString(entry.cardId))
        return fail(invalid(`${where}.cardId is required when a message has several cards`))
      if (nonEmptyString(entry.cardId)) {
        if (ids.has(entry.cardId)) return fail(invalid(`${where}.cardId ${entry.cardId} is not unique`))
        ids.add(entry.cardId)
      }
      const refused = checkCard(entry.card, `${where}.card`)
      if (refused) return fail(refused)
    }
  }
  return { ok: true, message }
}
