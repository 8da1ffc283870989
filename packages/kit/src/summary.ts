/** Markdown building blocks for job summaries; pure, so summaries are unit-testable. */

export function escapeCell(value: unknown): string {
  const text = String(value ?? '')
  // Most cells need nothing: a long table (300 migrations, twice) then skips two regex passes per cell.
  if (!text.includes('|') && !text.includes('\n')) return text
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
}

export function markdownTable(headers: string[], rows: unknown[][]): string {
  const head = `| ${headers.map(escapeCell).join(' | ')} |`
  const rule = `| ${headers.map(() => '---').join(' | ')} |`
  return [head, rule, ...rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`)].join('\n')
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}
