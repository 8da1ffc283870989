// Text we print can come from users and files (a check name, a migration or site file name, a
// response body). The runner reads any stdout line that starts with `::name` (after leading
// whitespace) as a workflow command, and the older `##[name]` form anywhere in a line (the
// runner's ActionCommand.TryParseV2 / TryParse), so a newline in such text could start a real
// `::add-mask::`, `::error::` or `::stop-commands::`. One helper neutralises both forms.

/** Between the characters a workflow command needs: invisible, and not whitespace to the runner's Trim(). */
const BREAK = '\u200b'

/**
 * `text` as it may be printed: every line that would start a workflow command gets a zero-width
 * space between its first two colons, every `##[` one between `##` and `[`. Nothing else changes.
 */
export function escapeCommandText(text: string): string {
  if (!text.includes('::') && !text.includes('##[')) return text
  return text.replace(/(^|[\r\n\u2028\u2029])([ \t\f\v]*):(?=:)/g, `$1$2:${BREAK}`).replace(/##\[/g, `##${BREAK}[`)
}
