// `${{ }}` expressions as the runner evaluates them, with GitHub's own expression engine
// (@actions/expressions, the one behind the Actions language service): contexts from plain
// objects, the status functions (success/failure/always/cancelled) from the caller, and values
// turned into strings where the runner does (`with:`, `env:`, `run:`).
import { data, Evaluator, Lexer, Parser } from '@actions/expressions'
import { truthy } from '@actions/expressions/result'

export type Contexts = Record<string, unknown>

export interface Status {
  /** Whether something before failed (a step in this job, or a needed job). */
  failed: boolean
  cancelled: boolean
}

function statusFunctions(status: Status) {
  const fn = (name: string, value: () => boolean) => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(value()),
  })
  return [
    fn('success', () => !status.failed && !status.cancelled),
    fn('failure', () => status.failed),
    fn('always', () => true),
    fn('cancelled', () => status.cancelled),
  ]
}

/** Evaluates one expression (without `${{ }}`) against the contexts. */
export function evaluate(expression: string, contexts: Contexts, status: Status): data.ExpressionData {
  const funcs = statusFunctions(status)
  const tokens = new Lexer(expression).lex().tokens
  const tree = new Parser(tokens, Object.keys(contexts), funcs).parse()
  const ctx = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary
  return new Evaluator(tree, ctx, new Map(funcs.map((f) => [f.name, f]))).evaluate()
}

/** The runner's string form of a value: '' for null, JSON for objects and arrays. */
export function asString(value: data.ExpressionData): string {
  switch (value.kind) {
    case data.Kind.Null:
      return ''
    case data.Kind.String:
      return (value as data.StringData).value
    case data.Kind.Boolean:
      return (value as data.BooleanData).value ? 'true' : 'false'
    case data.Kind.Number:
      return String((value as data.NumberData).value)
    default:
      return JSON.stringify(value, data.replacer, 2)
  }
}

/** A string with `${{ }}` parts, each replaced by its value as a string. */
export function template(text: string, contexts: Contexts, status: Status): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, expr: string) => asString(evaluate(expr, contexts, status)))
}

/** An `if:` condition: a bare expression, or one wrapped in `${{ }}`; empty means `success()`. */
export function condition(text: string | boolean | undefined, contexts: Contexts, status: Status): boolean {
  if (text === undefined || text === '') return !status.failed && !status.cancelled
  if (typeof text === 'boolean') return text
  const whole = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text)
  const expr = whole ? whole[1]! : text
  // As the runner does: a condition with no status function is ANDed with success().
  const withStatus = /\b(success|failure|always|cancelled)\s*\(/.test(expr) ? expr : `success() && (${expr})`
  return truthy(evaluate(withStatus, contexts, status))
}

/** A mapping value (`with:` input, `env:` variable) as the runner passes it: a string. */
export function mappingValue(value: unknown, contexts: Contexts, status: Status): string {
  if (typeof value === 'string') return template(value, contexts, status)
  if (value === null || value === undefined) return ''
  return String(value)
}
