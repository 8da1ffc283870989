// A step's log as the release shows it. On a runner the workflow commands pass through (masks,
// annotations), except groups: GitHub does not nest them, and the release already groups each
// step, so an action's own group title becomes a plain line. On a laptop the commands are folded
// into readable lines and every value the step masked is replaced by *** before it is shown.
import { escapeCommandText } from '@deploy-actions/kit'

export type LineSink = (line: string) => void

/** Undoes the runner's command-data escaping (%25, %0D, %0A). */
const unescapeData = (s: string): string => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')

/** The line to show, or undefined to drop it; `masks` collects ::add-mask:: values as they come. */
export function translateLine(line: string, masks: string[], passthrough: boolean): string | undefined {
  const mask = /^::add-mask::(.*)$/.exec(line)
  if (mask) {
    if (mask[1]) masks.push(unescapeData(mask[1]))
    return passthrough ? line : undefined
  }
  const group = /^::group::(.*)$/.exec(line)
  if (group) {
    const title = unescapeData(group[1]!)
    return `  ▸ ${passthrough ? escapeCommandText(title) : redact(title, masks)}`
  }
  if (line === '::endgroup::') return undefined
  if (passthrough) return line
  if (line.startsWith('::debug::') || /^::(save-state|set-output)\b/.test(line)) return undefined
  const annotation = /^::(error|warning|notice)[^:]*::(.*)$/.exec(line)
  if (annotation) return `  ${annotation[1]}: ${redact(unescapeData(annotation[2]!), masks)}`
  return `    ${redact(line, masks)}`
}

function redact(text: string, masks: string[]): string {
  let out = text
  for (const m of masks) if (m.length > 0) out = out.split(m).join('***')
  return out
}
