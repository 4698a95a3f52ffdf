// The dashboard runs in the browser only: the operator cookie is scoped to /api/ops, so the
// page's own request never carries it and a server render could not tell an operator apart.
export const ssr = false
