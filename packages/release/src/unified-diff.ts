// A unified diff of two texts, as `diff -u -N` prints it (the program `kubectl diff` runs on its
// LIVE and MERGED folders): hunks of changed lines with 3 lines of context, hunks closer than
// twice the context joined, removals before additions within a change, an absent side empty.
// Lines are matched with Myers' O(ND) algorithm (E. Myers, "An O(ND) Difference Algorithm and
// Its Variations", 1986), the one GNU diff builds on, and changes among identical lines placed
// as GNU diff places them. Pure.

export type DiffOp = { kind: ' ' | '-' | '+'; line: string }

/**
 * The shortest edit script from `a` to `b`, line by line, with runs of changed lines placed as
 * GNU diff places them where identical lines leave a choice (see shiftBoundaries).
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  const changed = shortestEdit(a, b)
  shiftBoundaries([a, b], changed)
  const ops: DiffOp[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && changed[0][i + 1]) ops.push({ kind: '-', line: a[i++]! })
    else if (j < b.length && changed[1][j + 1]) ops.push({ kind: '+', line: b[j++]! })
    else {
      ops.push({ kind: ' ', line: a[i]! })
      i++
      j++
    }
  }
  return ops
}

/**
 * Myers' greedy walk; returns which lines of each side are changed (removed from `a`, added in
 * `b`), each array with a 0 sentinel before and after the lines: line i is at [i + 1].
 */
function shortestEdit(a: readonly string[], b: readonly string[]): [Uint8Array, Uint8Array] {
  const n = a.length
  const m = b.length
  const max = n + m
  const offset = max + 1
  const v = new Int32Array(2 * max + 3)
  // v before each round d, for walking back from the end.
  const trace: Int32Array[] = []
  let found = -1
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice())
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[offset + k] = x
      if (x >= n && y >= m) {
        found = d
        break
      }
    }
  }
  const changed: [Uint8Array, Uint8Array] = [new Uint8Array(n + 2), new Uint8Array(m + 2)]
  let x = n
  let y = m
  for (let d = found; d > 0; d--) {
    const prev = trace[d]!
    const k = x - y
    const down = k === -d || (k !== d && prev[offset + k - 1]! < prev[offset + k + 1]!)
    const prevK = down ? k + 1 : k - 1
    const prevX = prev[offset + prevK]!
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) {
      x--
      y--
    }
    if (down) changed[1][--y + 1] = 1
    else changed[0][--x + 1] = 1
  }
  return changed
}

/**
 * GNU diff's shift_boundaries (diffutils src/analyze.c): where a run of changed lines could sit
 * at several places among identical lines, slide it to join neighbouring runs, else as far down
 * as it goes, then back up to face a run of changes in the other file if one can be reached.
 * Arrays as shortestEdit returns them (line i at [i + 1], sentinels 0).
 */
function shiftBoundaries(lines: [readonly string[], readonly string[]], changed: [Uint8Array, Uint8Array]): void {
  for (const f of [0, 1] as const) {
    const ch = changed[f]
    const other = changed[1 - f]!
    const text = lines[f]
    const end = text.length
    // Positions are line numbers; ch[p + 1] is line p's flag, ch[0] the sentinel before line 0.
    const c = (p: number) => ch[p + 1]!
    const o = (p: number) => other[p + 1]!
    let i = 0
    let j = 0
    for (;;) {
      while (i < end && !c(i)) {
        while (o(j++)) {}
        i++
      }
      if (i === end) break
      let start = i
      while (c(++i)) {}
      while (o(j)) j++
      let runLength: number
      let corresponding: number
      do {
        runLength = i - start
        while (start && text[start - 1] === text[i - 1]) {
          ch[--start + 1] = 1
          ch[--i + 1] = 0
          while (c(start - 1)) start--
          while (o(--j)) {}
        }
        corresponding = o(j - 1) ? i : end
        while (i !== end && text[start] === text[i]) {
          ch[start++ + 1] = 0
          ch[i++ + 1] = 1
          while (c(i)) i++
          while (o(++j)) corresponding = i
        }
      } while (runLength !== i - start)
      while (corresponding < i) {
        ch[--start + 1] = 1
        ch[--i + 1] = 0
        while (o(--j)) {}
      }
    }
  }
}

/** Text as lines without their terminators ('' is no line at all, as an absent file under -N). */
const linesOf = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))

/** `l,s` of a hunk header, as diff writes it: `l` alone for one line, the line before for none. */
function range(start: number, count: number): string {
  if (count === 1) return `${start + 1}`
  return `${count === 0 ? start : start + 1},${count}`
}

/**
 * The unified diff of `from` and `to` (empty when they are equal), headed `--- fromName` and
 * `+++ toName`, without the timestamps diff adds (noise in a pull request comment).
 */
export function unifiedDiff(from: string, to: string, fromName: string, toName: string, context = 3): string {
  if (from === to) return ''
  const ops = diffLines(linesOf(from), linesOf(to))
  // Each op's line number on either side.
  const at: Array<{ a: number; b: number }> = []
  let a = 0
  let b = 0
  for (const op of ops) {
    at.push({ a, b })
    if (op.kind !== '+') a++
    if (op.kind !== '-') b++
  }
  const changed = ops.flatMap((op, i) => (op.kind === ' ' ? [] : [i]))
  if (!changed.length) return ''
  const out = [`--- ${fromName}`, `+++ ${toName}`]
  let i = 0
  while (i < changed.length) {
    let last = changed[i]!
    let j = i + 1
    // Changes at most 2 × context unchanged lines apart share a hunk.
    while (j < changed.length && changed[j]! - last - 1 <= 2 * context) last = changed[j++]!
    const start = Math.max(0, changed[i]! - context)
    const end = Math.min(ops.length, last + context + 1)
    const slice = ops.slice(start, end)
    const fromCount = slice.filter((o) => o.kind !== '+').length
    const toCount = slice.filter((o) => o.kind !== '-').length
    out.push(`@@ -${range(at[start]!.a, fromCount)} +${range(at[start]!.b, toCount)} @@`)
    for (const o of slice) out.push(`${o.kind}${o.line}`)
    i = j
  }
  return `${out.join('\n')}\n`
}
