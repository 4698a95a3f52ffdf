/** The panels beside the stage (below it on a phone); one is open at a time, or none. */
export type Panel = 'chat' | 'people' | 'settings'

export const PANEL_TITLES: Record<Panel, string> = { chat: 'Chat', people: 'People', settings: 'Settings' }
