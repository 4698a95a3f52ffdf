// drizzle-kit writes migrations.js without types; this describes it for the Worker's imports.
declare const migrations: {
  journal: { entries: { idx: number; when: number; tag: string; breakpoints: boolean }[] }
  migrations: Record<string, string>
}
export default migrations
