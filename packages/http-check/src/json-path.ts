// A small JSONPath subset for health assertions: `$.status`, `$.components.db.status`,
// `$.items[0].id`, `$.items[-1]` (last), `$['key.with.dots']`. The leading `$.` may be left out.

export type JsonPath = ReadonlyArray<string | number>

const NAME = /[A-Za-z_$][\w$-]*/y
const INDEX = /\[(-?\d+)\]/y
const QUOTED = /\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/y

/** Parses a path into segments; undefined when it is not one. */
export function parseJsonPath(text: string): JsonPath | undefined {
  let s = text.trim()
  if (!s) return undefined
  if (s === '$') return []
  if (s.startsWith('$')) s = s.slice(1)
  else if (!s.startsWith('[')) s = `.${s}`
  const out: Array<string | number> = []
  let i = 0
  while (i < s.length) {
    if (s[i] === '.') {
      NAME.lastIndex = i + 1
      const m = NAME.exec(s)
      if (!m) return undefined
      out.push(m[0])
      i = NAME.lastIndex
      continue
    }
    INDEX.lastIndex = i
    const idx = INDEX.exec(s)
    if (idx) {
      out.push(Number(idx[1]))
      i = INDEX.lastIndex
      continue
    }
    QUOTED.lastIndex = i
    const q = QUOTED.exec(s)
    if (q) {
      out.push((q[1] ?? q[2] ?? '').replace(/\\(.)/g, '$1'))
      i = QUOTED.lastIndex
      continue
    }
    return undefined
  }
  return out
}

export function formatJsonPath(path: JsonPath): string {
  return `$${path
    .map((p) =>
      typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? `.${p}` : `['${p.replace(/'/g, "\\'")}']`,
    )
    .join('')}`
}

/** Follows the path; a negative index counts from the end of an array. */
export function readJsonPath(doc: unknown, path: JsonPath): { found: true; value: unknown } | { found: false } {
  let cur: unknown = doc
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return { found: false }
      const i = seg < 0 ? cur.length + seg : seg
      if (i < 0 || i >= cur.length) return { found: false }
      cur = cur[i]
    } else {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, seg)) {
        return { found: false }
      }
      cur = (cur as Record<string, unknown>)[seg]
    }
  }
  return { found: true, value: cur }
}
