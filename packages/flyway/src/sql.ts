// Splitting PostgreSQL scripts into statements, and spotting the statements PostgreSQL refuses to
// run inside a transaction block. The splitter knows '…' strings (with '' and E'\'' escapes),
// "…" identifiers, $tag$…$tag$ bodies, -- and nested /* */ comments, and BEGIN ATOMIC … END bodies
// (mirroring Flyway's PostgreSQLParser.adjustBlockDepth). Only migrations that must run outside a
// transaction are split; transactional ones go to the server whole, as one simple query.

export interface Statement {
  /** Statement text, without the terminating semicolon. */
  text: string
  /** Offset of `text` in the script. */
  start: number
  /** Offset of the statement's first significant character in the script. */
  offset: number
  /** 1-based line of that character. */
  line: number
  /** Upper-cased leading words with comments and extra spaces removed, for detection. */
  simplified: string
  /**
   * For `COPY … FROM STDIN`: the data lines after it, up to (not including) the `\.` line, each
   * with its line end, as PostgreSQLParser reads a copy statement.
   */
  copyData?: string
  /** A string, quoted identifier, dollar quote or block comment that never ends (Flyway: "Incomplete statement"). */
  incomplete?: true
}

const IDENT = /[A-Za-z0-9_$\u0080-\uffff]/

export function splitStatements(script: string): Statement[] {
  const out: Statement[] = []
  const n = script.length
  let start = 0
  let first = -1
  let words: string[] = []
  let atomicDepth = 0
  let prevWord = ''
  let incomplete = false
  const finish = (end: number) => {
    if (first >= 0) {
      out.push({
        text: script.slice(start, end),
        start,
        offset: first,
        line: lineAt(script, first),
        simplified: words.join(' '),
        ...(incomplete ? { incomplete: true as const } : {}),
      })
    }
    start = end + 1
    first = -1
    words = []
    prevWord = ''
  }
  let i = 0
  while (i < n) {
    const c = script[i]!
    const next = script[i + 1]
    if (c === '-' && next === '-') {
      const eol = script.indexOf('\n', i)
      i = eol < 0 ? n : eol + 1
      continue
    }
    if (c === '/' && next === '*') {
      let depth = 1
      const commentStart = i
      i += 2
      while (i < n && depth > 0) {
        if (script[i] === '/' && script[i + 1] === '*') {
          depth++
          i += 2
        } else if (script[i] === '*' && script[i + 1] === '/') {
          depth--
          i += 2
        } else i++
      }
      if (depth > 0) {
        incomplete = true
        if (first < 0) first = commentStart
      }
      continue
    }
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === ';' && atomicDepth === 0) {
      const copy = first >= 0 && words[0] === 'COPY' && /\bFROM\s+STDIN\b/i.test(script.slice(first, i))
      finish(i)
      if (copy) {
        // The data starts on the next line and ends at a line holding only `\.` (or the script's end).
        const eol = script.indexOf('\n', i)
        const dataStart = eol < 0 ? n : eol + 1
        let j = dataStart
        let end = n
        let resume = n
        while (j < n) {
          const lineEnd = script.indexOf('\n', j)
          const line = script.slice(j, lineEnd < 0 ? n : lineEnd).replace(/\r$/, '')
          if (line === '\\.') {
            end = j
            resume = lineEnd < 0 ? n : lineEnd + 1
            break
          }
          j = lineEnd < 0 ? n : lineEnd + 1
        }
        out[out.length - 1]!.copyData = script.slice(dataStart, end)
        start = resume
        i = resume
        continue
      }
      i++
      continue
    }
    if (first < 0) first = i
    if (c === "'") {
      const escapes = i > 0 && /[eE]/.test(script[i - 1]!) && (i < 2 || !IDENT.test(script[i - 2]!))
      i = skipQuoted(script, i, "'", escapes)
      if (i >= n && script[n - 1] !== "'") incomplete = true
      words.length < 8 && words.push('?')
      continue
    }
    if (c === '"') {
      i = skipQuoted(script, i, '"', false)
      if (i >= n && script[n - 1] !== '"') incomplete = true
      words.length < 8 && words.push('?')
      continue
    }
    if (c === '$' && (i === 0 || !IDENT.test(script[i - 1]!))) {
      const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(script.slice(i, i + 64))
      if (m) {
        const tag = m[0]
        const close = script.indexOf(tag, i + tag.length)
        if (close < 0) incomplete = true
        i = close < 0 ? n : close + tag.length
        words.length < 8 && words.push('?')
        continue
      }
    }
    if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1
      while (j < n && IDENT.test(script[j]!)) j++
      const word = script.slice(i, j).toUpperCase()
      if (words.length < 8) words.push(word)
      if (prevWord === 'BEGIN' && word === 'ATOMIC') atomicDepth++
      else if (atomicDepth > 0 && word === 'CASE') atomicDepth++
      else if (atomicDepth > 0 && word === 'END') atomicDepth--
      prevWord = word
      i = j
      continue
    }
    if (words.length < 8 && /[(),.=]/.test(c)) words.push(c)
    prevWord = ''
    i++
  }
  finish(n)
  return out
}

function skipQuoted(s: string, i: number, q: string, backslash: boolean): number {
  let j = i + 1
  while (j < s.length) {
    const ch = s[j]
    if (backslash && ch === '\\') {
      j += 2
      continue
    }
    if (ch === q) {
      if (s[j + 1] === q) {
        j += 2
        continue
      }
      return j + 1
    }
    j++
  }
  return s.length
}

/** 1-based line of a UTF-16 offset (\r\n, \n and lone \r end lines, as Flyway's reader counts). */
export function lineAt(text: string, offset: number): number {
  let line = 1
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) line++
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) line++
  }
  return line
}

/**
 * The UTF-16 offset of PostgreSQL's error `position` (1-based, counted in characters, i.e. code
 * points) in the query text that was sent.
 */
export function offsetOfPosition(text: string, position: number): number {
  let cp = 0
  for (let i = 0; i < text.length; i++) {
    if (++cp === position) return i
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) i++
  }
  return text.length
}

// Flyway's PostgreSQLParser.detectCanExecuteInTransaction, matched on the statement's leading
// keywords as Flyway does: CREATE/DROP DATABASE|TABLESPACE|SUBSCRIPTION, ALTER SYSTEM,
// CREATE/DROP [UNIQUE] INDEX CONCURRENTLY, REINDEX [VERBOSE] SCHEMA|DATABASE|SYSTEM, VACUUM,
// DISCARD ALL, and ALTER TYPE … ADD VALUE before PostgreSQL 12. Beyond Flyway (statements the server
// also refuses in a transaction): REINDEX … CONCURRENTLY and ALTER TABLE … DETACH PARTITION …
// CONCURRENTLY.
const NON_TRANSACTIONAL: RegExp[] = [
  /^(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)\b/,
  /^ALTER SYSTEM\b/,
  /^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY\b/,
  /^REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)\b/,
  /^REINDEX\b.*\bCONCURRENTLY\b/,
  /^REINDEX \( .*\bCONCURRENTLY\b/,
  /^VACUUM\b/,
  /^DISCARD ALL\b/,
  /^ALTER TABLE\b.*\bDETACH PARTITION\b.*\bCONCURRENTLY\b/,
]
const ALTER_TYPE_ADD_VALUE = /^ALTER TYPE( .*)? ADD VALUE\b/

export function mustRunOutsideTransaction(simplified: string, serverVersionNum = 150000): boolean {
  if (NON_TRANSACTIONAL.some((r) => r.test(simplified))) return true
  return serverVersionNum < 120000 && ALTER_TYPE_ADD_VALUE.test(simplified)
}

/** Cheap pre-check for an unterminated quote or comment: an odd count of a quote character, or any opener. */
export function mayBeIncomplete(script: string): boolean {
  const count = (ch: string) => script.split(ch).length - 1
  return count("'") % 2 === 1 || count('"') % 2 === 1 || script.includes('$') || script.includes('/*')
}

/** Cheap pre-check so that ordinary migrations are never split. */
export function mayNeedSplitting(script: string): boolean {
  return /\b(CONCURRENTLY|VACUUM|DATABASE|TABLESPACE|SUBSCRIPTION|SYSTEM|DISCARD|ADD\s+VALUE|STDIN)\b/i.test(script)
}

/**
 * Transactional migrations go to the server whole, except those with `COPY … FROM STDIN`: their
 * data is no SQL, so they run statement by statement (inside the transaction), each copy with its data.
 */
export type TransactionMode =
  | { transactional: true; statements?: Statement[] }
  | { transactional: false; statements: Statement[] }

/**
 * ParserSqlScript's check without `mixed`: the first statement of the other kind in a migration
 * that has both transactional and non-transactional statements, with Flyway's message; undefined
 * when the migration is of one kind.
 */
export function mixedProblem(script: string, serverVersionNum = 150000): { line: number; message: string } | undefined {
  if (!mayNeedSplitting(script)) return undefined
  const statements = splitStatements(script)
  const outside = statements.map((s) => mustRunOutsideTransaction(s.simplified, serverVersionNum))
  if (!outside.includes(true) || !outside.includes(false)) return undefined
  const i = outside.indexOf(!outside[0])
  const st = statements[i]!
  return {
    line: st.line,
    message: `Detected both transactional and non-transactional statements within the same migration (even though mixed is false). Offending statement found at line ${st.line}: ${st.text.trim()}${outside[i] ? ' [non-transactional]' : ''}`,
  }
}

/**
 * Whether a migration runs in one transaction or statement by statement outside one (autocommit),
 * as Flyway runs a migration whose statements cannot all execute in a transaction. Flyway refuses
 * a migration that mixes both kinds unless `mixed=true`; here a migration with any
 * non-transactional statement runs wholly outside a transaction (what `mixed=true` does).
 */
export function transactionMode(script: string, serverVersionNum = 150000): TransactionMode {
  if (!mayNeedSplitting(script)) return { transactional: true }
  const statements = splitStatements(script)
  if (statements.some((s) => mustRunOutsideTransaction(s.simplified, serverVersionNum)))
    return { transactional: false, statements }
  return statements.some((s) => s.copyData !== undefined)
    ? { transactional: true, statements }
    : { transactional: true }
}

/**
 * The schema names of a `search_path` value as the server reads them (varlena.c
 * SplitIdentifierString): comma-separated, `"…"` names as written (`""` for a quote), other names
 * with ASCII letters lower-cased. Undefined for text that is not such a list, or a name past 63
 * bytes (the server would truncate it), so that the caller sets the text as it is instead.
 */
export function searchPathNames(text: string): string[] | undefined {
  const names: string[] = []
  const space = /\s/
  const n = text.length
  let i = 0
  const skipSpace = () => {
    while (i < n && space.test(text[i]!)) i++
  }
  skipSpace()
  if (i >= n) return names
  for (;;) {
    let name = ''
    if (text[i] === '"') {
      let j = i + 1
      for (;;) {
        const q = text.indexOf('"', j)
        if (q < 0) return undefined
        name += text.slice(j, q)
        if (text[q + 1] !== '"') {
          i = q + 1
          break
        }
        name += '"'
        j = q + 2
      }
    } else {
      const start = i
      while (i < n && text[i] !== ',' && !space.test(text[i]!)) i++
      name = text.slice(start, i).replace(/[A-Z]+/g, (upper) => upper.toLowerCase())
    }
    if (!name || Buffer.byteLength(name) > 63) return undefined
    names.push(name)
    skipSpace()
    if (i >= n) return names
    if (text[i] !== ',') return undefined
    i++
    skipSpace()
  }
}
