/**
 * The room model both sides fold: the rooms Worker's log and the browser's copy of it go through
 * the same `evolve`, so what a page shows is what the room decided.
 */
export { evolve, initialState } from './evolve.ts'
export { aiController, aiPresent } from './ai.ts'
