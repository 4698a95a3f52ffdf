/**
 * This tab's user id in rooms: kept for the tab's life (a reload rejoins as the same person,
 * a second tab is a second person), and the connection id partyserver knows the socket by.
 */
export function tabUserId(): string {
  const key = 'tangerine-user-id'
  let id = sessionStorage.getItem(key)
  if (!id) {
    id = crypto.randomUUID().replaceAll('-', '')
    sessionStorage.setItem(key, id)
  }
  return id
}
