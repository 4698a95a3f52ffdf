/**
 * This tab's user id in rooms: the caller's user key (from the gateway, so the id is provably
 * theirs) followed by a part kept for the tab's life (a reload rejoins as the same person, a
 * second tab is a second person). It is also the connection id partyserver knows the socket by.
 */
export function tabUserId(key: string | undefined): string {
  const name = 'tangerine-tab-id'
  let tab = sessionStorage.getItem(name)
  if (!tab) {
    tab = crypto.randomUUID().replaceAll('-', '').slice(0, 16)
    sessionStorage.setItem(name, tab)
  }
  return `${key ?? 'guest'}${tab}`
}
