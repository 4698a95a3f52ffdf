// The queues of wrangler.jsonc: one Worker consumes both, and tells them apart by name.
export const FEEDBACK_QUEUE_NAME = 'tangerine-feedback'
export const DEAD_LETTER_QUEUE_NAME = 'tangerine-feedback-dlq'
