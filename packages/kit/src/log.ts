import { escapeCommandText } from './escape.ts'

/** What actions log through: coreLogger (runtime.ts, over @actions/core) on a runner, consoleLogger for the CLI and the demo, a recording one in tests. */
export interface Logger {
  info(message: string): void
  warning(message: string, where?: Annotation): void
  error(message: string, where?: Annotation): void
  debug(message: string): void
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
}

/** Where an annotation points: a file and line in the repository. */
export interface Annotation {
  file?: string
  startLine?: number
  endLine?: number
  title?: string
}

/** A logger that prints plainly to stdout, for the CLI and the demo. */
export const consoleLogger: Logger = {
  // The CLI may itself run in a workflow step: its lines are escaped as the runner logger's are.
  info: (m) => console.log(escapeCommandText(m)),
  warning: (m) => console.log(escapeCommandText(`warning: ${m}`)),
  error: (m) => console.log(escapeCommandText(`error: ${m}`)),
  debug: () => {},
  group: async (title, fn) => {
    console.log(escapeCommandText(`── ${title}`))
    return fn()
  },
}

/** A logger that keeps every line, for tests. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: (m) => void lines.push(m),
    warning: (m) => void lines.push(`warning: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
    debug: () => {},
    group: async (title, fn) => {
      lines.push(`group: ${title}`)
      return fn()
    },
  }
}
