// Several transactional migrations in one round trip, each still in its own transaction with its
// history row, as Flyway runs them one after another (DbMigrate.doMigrateGroup per migration).
// The server runs them back to back instead of waiting for the client between two migrations.
// Each migration announces itself when it starts with a NOTICE (sent to the client at once, as
// elog.c flushes every notice), so the engine logs "Migrating …" when the migration really starts,
// knows which one a cancellation stops, and which ones committed before a failure. Pure.

/** At most this many migrations, or this much text, go in one round trip. */
export const BATCH_MAX_MIGRATIONS = 64
export const BATCH_MAX_CHARS = 1 << 20

/** One migration's part of a batch: `head` (BEGIN and the session reset), its SQL, `row` (history row, COMMIT). */
export interface BatchMember {
  head: string
  sql: string
  row: string
}

export interface BatchText {
  text: string
  /** Where each member's SQL starts in `text` (for an error's position). */
  sqlStarts: number[]
}

/**
 * The notice a member raises once its transaction has begun and the session is reset: the level
 * is set for this transaction only (`SET LOCAL`), so a migration's own `client_min_messages`
 * (pg_dump writes `warning`) neither hides the marker nor is changed after it.
 */
export function markerSql(token: string, index: number): string {
  return `SET LOCAL client_min_messages = notice; DO $flyway_migrate$BEGIN RAISE NOTICE '${token} %', ${index}; END$flyway_migrate$;\n`
}

/** The batch as one simple query: each member's head, marker, SQL and row, one after another. */
export function batchText(members: BatchMember[], token: string): BatchText {
  let text = ''
  const sqlStarts: number[] = []
  for (const [i, m] of members.entries()) {
    if (i > 0) text += ';\n'
    text += m.head + markerSql(token, i)
    sqlStarts.push(text.length)
    text += `${m.sql}\n;${m.row}`
  }
  return { text, sqlStarts }
}

/** The member a notice announces, or undefined for any other notice. */
export function markerIndex(message: string | undefined, token: string): number | undefined {
  if (!message?.startsWith(`${token} `)) return undefined
  const n = Number(message.slice(token.length + 1))
  return Number.isInteger(n) && n >= 0 ? n : undefined
}
