// Flyway's configuration sources besides the inputs, read as Flyway's ConfigUtils reads them:
// `FLYWAY_*` environment variables (FLYWAY_OUT_OF_ORDER → flyway.outOfOrder,
// FLYWAY_PLACEHOLDERS_KEY → flyway.placeholders.key), `flyway.conf` files (`flyway.key=value`
// lines, `\` continuations, `${ENV}` references) and `flyway.toml` files (the `[flyway]` table, its
// `[flyway.placeholders]`, and the connection of `[environments.default]`). Pure: file contents are
// handed in. Precedence, as Flyway's: inputs, then environment, then files (later files win).

/** One setting by Flyway's name (`outOfOrder`, `placeholders.app_role`) and where it came from. */
export interface Setting {
  value: string
  source: string
}

export type Settings = Map<string, Setting>

/** FLYWAY_OUT_OF_ORDER → outOfOrder; FLYWAY_PLACEHOLDERS_APP_ROLE → placeholders.app_role (ConfigUtils.convertKey). */
export function settingName(envName: string): string | undefined {
  const m = /^FLYWAY_(.+)$/.exec(envName)
  if (!m) return undefined
  const rest = m[1]!
  if (rest.startsWith('PLACEHOLDERS_') && rest.length > 'PLACEHOLDERS_'.length)
    return `placeholders.${rest.slice('PLACEHOLDERS_'.length).toLowerCase()}`
  if (rest.startsWith('JDBC_PROPERTIES_'))
    return `jdbcProperties.${rest.slice('JDBC_PROPERTIES_'.length).toLowerCase()}`
  const words = rest.toLowerCase().split('_')
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('')
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
  const out: Settings = new Map()
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith('FLYWAY_')) continue
    const key = settingName(name)
    if (key) out.set(key, { value, source: name })
  }
  return out
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

/** `flyway.conf`: `flyway.key=value` lines, `#`/`!` comments, `\` continuations, `${ENV}` from the environment. */
export function settingsFromConf(text: string, file: string, env: NodeJS.ProcessEnv): Settings {
  const out: Settings = new Map()
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim()
    if (!line || line.startsWith('#') || line.startsWith('!')) continue
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)}${lines[++i]!.trim()}`
    const eq = line.search(/[=:]/)
    if (eq <= 0) continue
    const key = line.slice(0, eq).trim()
    const value = line
      .slice(eq + 1)
      .trim()
      .replace(ENV_REF, (whole, name: string) => env[name] ?? whole)
    if (!key.startsWith('flyway.')) continue
    out.set(key.slice('flyway.'.length), { value, source: `${file}: ${key}` })
  }
  return out
}

/** A TOML value of the kinds Flyway's files use: strings, numbers, booleans, arrays of those. */
function tomlValue(raw: string): string | undefined {
  const text = raw.trim()
  if (text.startsWith('[')) {
    const items = [...text.slice(1, text.lastIndexOf(']')).matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|([^,\s]+)/g)]
    return items.map((m) => (m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : (m[2] ?? m[3]))).join(',')
  }
  if (text.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(text)
    return m ? (JSON.parse(`"${m[1]}"`) as string) : undefined
  }
  if (text.startsWith("'")) return /^'([^']*)'/.exec(text)?.[1]
  return text.replace(/\s+#.*$/, '')
}

/**
 * `flyway.toml`: keys of `[flyway]` (and `[flyway.placeholders]`), plus url/user/password/schemas
 * of `[environments.<environment>]` (`flyway.environment`, default "default"), as Flyway 10 reads it.
 */
export function settingsFromToml(text: string, file: string): Settings {
  const out: Settings = new Map()
  const environments = new Map<string, Settings>()
  let table = ''
  for (const rawLine of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = rawLine.trim()
    if (!line || line.startsWith('#')) continue
    const header = /^\[([^\]]+)\]$/.exec(line)
    if (header) {
      table = header[1]!.trim()
      continue
    }
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    const key = line
      .slice(0, eq)
      .trim()
      .replace(/^"(.*)"$/, '$1')
    const value = tomlValue(line.slice(eq + 1))
    if (value === undefined) continue
    const env = /^environments\.(.+)$/.exec(table)?.[1]
    if (env) {
      const settings = environments.get(env) ?? new Map()
      settings.set(key, { value, source: `${file}: [${table}] ${key}` })
      environments.set(env, settings)
    } else if (table === 'flyway') out.set(key, { value, source: `${file}: [flyway] ${key}` })
    else if (table.startsWith('flyway.')) {
      out.set(`${table.slice('flyway.'.length)}.${key}`, { value, source: `${file}: [${table}] ${key}` })
    }
  }
  const environment = out.get('environment')?.value ?? 'default'
  for (const [key, setting] of environments.get(environment) ?? []) out.set(key, setting)
  return out
}

/** Files first (in order), then the environment over them. */
export function mergeSettings(...layers: Settings[]): Settings {
  const out: Settings = new Map()
  for (const layer of layers) for (const [k, v] of layer) out.set(k, v)
  return out
}
