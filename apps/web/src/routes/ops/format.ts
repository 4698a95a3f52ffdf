/** Seconds as minutes and seconds (`12m 05s`); a dash when there is nothing to show. */
export function minutes(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–'
  const s = Math.round(seconds)
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
}

/** An ISO time as the operator's local time of day, with the date when it is not today. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '–'
  const d = new Date(iso)
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString()
}
