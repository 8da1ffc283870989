// `${name}` placeholders, replaced as Flyway's PlaceholderReplacer does: user placeholders plus the
// built-ins `${flyway:defaultSchema}`, `${flyway:user}`, `${flyway:database}`,
// `${flyway:timestamp}` (yyyy-MM-dd HH:mm:ss, as Flyway formats it), `${flyway:filename}`,
// `${flyway:table}`, `${flyway:workingDirectory}` and `${flyway:environment}` (ParsingContext.populate;
// the environment is Flyway's "default" unless one is configured). A placeholder without a value fails the migration, naming it, as in Flyway
// ("No value provided for placeholder: ${x}").

export interface BuiltinContext {
  defaultSchema: string
  user: string
  database: string
  table: string
  now?: Date
  workingDirectory?: string
  environment?: string
}

export class PlaceholderError extends Error {
  override name = 'PlaceholderError'
}

export function flywayTimestamp(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`
}

export function builtinPlaceholders(ctx: BuiltinContext, filename: string): Record<string, string> {
  return {
    'flyway:defaultSchema': ctx.defaultSchema,
    'flyway:user': ctx.user,
    'flyway:database': ctx.database,
    'flyway:timestamp': flywayTimestamp(ctx.now ?? new Date()),
    'flyway:filename': filename,
    'flyway:table': ctx.table,
    'flyway:workingDirectory': ctx.workingDirectory ?? process.cwd(),
    'flyway:environment': ctx.environment ?? 'default',
  }
}

/** Flyway's placeholderPrefix / placeholderSuffix (`${` and `}` by default; abd-vro uses `#[` and `]`). */
export interface PlaceholderSyntax {
  prefix: string
  suffix: string
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Replaces every `${name}`; names match exactly, else case-insensitively (Flyway's keys are case-insensitive). */
export function replacePlaceholders(
  sql: string,
  values: Record<string, string>,
  where = 'migration',
  syntax: PlaceholderSyntax = { prefix: '${', suffix: '}' },
): string {
  if (!sql.includes(syntax.prefix)) return sql
  const placeholder = new RegExp(`${escapeRegExp(syntax.prefix)}([^\\s]+?)${escapeRegExp(syntax.suffix)}`, 'g')
  let lower: Map<string, string> | undefined
  return sql.replace(placeholder, (whole, name: string) => {
    const exact = values[name]
    if (exact !== undefined) return exact
    lower ??= new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]))
    const v = lower.get(name.toLowerCase())
    if (v === undefined) {
      throw new PlaceholderError(
        `${where}: no value provided for placeholder ${whole} (set it in the placeholders input)`,
      )
    }
    return v
  })
}
