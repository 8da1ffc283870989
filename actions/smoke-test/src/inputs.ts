// The only reader of the action's inputs. parseInputs is pure (the file read is injected) and
// validates everything before a single request is made.
import { readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import {
  type Check,
  type CheckDefaults,
  checksFromYaml,
  DEFAULT_REDIRECTS,
  HEADER_NAME,
  parseRegex,
  type RedirectPolicy,
} from '@deploy-actions/http-check'
import {
  ConfigurationError,
  type InputGetter,
  parseDuration,
  parseEnum,
  parseHeaders,
  parseInteger,
  parseList,
  parseStatusSet,
} from '@deploy-actions/kit'
import { checksFromUrls, secretsOf, uniqueNames } from './checks.ts'

export interface Inputs {
  checks: Check[]
  timeoutMs: number
  intervalMs: number
  requestTimeoutMs: number
  consecutiveSuccesses: number
  concurrency: number
  /** Redirects to another origin: follow with only the safe headers, or refuse. */
  redirects: RedirectPolicy
  /** Values never to print (secret header values, URL passwords). */
  secrets: string[]
  /** Where the JSON report goes. */
  reportPath: string
}

export interface InputIo {
  readFile: (path: string) => string
  cwd: string
}

const realIo: InputIo = { readFile: (p) => readFileSync(p, 'utf8'), cwd: process.cwd() }

const CHECKS_FILE_FORM = 'a YAML file path (relative to the workspace) or inline YAML'

/** `Name: value` lines; a malformed line is reported by number, never by content (it may hold a token). */
export function parseSecretHeaders(input: string, raw: string): Record<string, string> {
  try {
    return parseHeaders(input, raw)
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    const lines = raw.split(/\r?\n/)
    const bad = lines.findIndex(
      (l) => l.trim() && !l.trim().startsWith('#') && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*:/.test(l.trim()),
    )
    throw new ConfigurationError(input, `"Name: value" lines (line ${bad + 1} is not one; its text is not shown)`)
  }
}

/** Inline YAML has several lines or starts like YAML; a single plain line is a file path. */
export function looksLikeInlineYaml(raw: string): boolean {
  const s = raw.trim()
  return s.includes('\n') || /^[-[{]/.test(s) || /^[\w-]+\s*:(\s|$)/.test(s)
}

export function parseInputs(
  get: InputGetter,
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
  io: InputIo = realIo,
): Inputs {
  const defaults: CheckDefaults = {
    status: parseStatusSet('expect-status', get('expect-status'), '200-299'),
    headers: parseSecretHeaders('headers', get('headers')),
    ...(get('expect-body') ? { body: parseRegex('expect-body', get('expect-body')) } : {}),
  }
  const positive = (input: string, fallback: string) => {
    const raw = get(input) || fallback
    const ms = parseDuration(input, raw)
    if (ms <= 0) throw new ConfigurationError(input, 'a positive duration like 500ms, 30s, 15m or 1h', raw)
    return ms
  }
  const timeoutMs = positive('timeout', '5m')
  const intervalMs = positive('interval', '2s')
  const requestTimeoutMs = positive('request-timeout', '10s')
  const consecutiveSuccesses = parseInteger('consecutive-successes', get('consecutive-successes'), 1, {
    min: 1,
    max: 100,
  })
  const concurrency = parseInteger('concurrency', get('concurrency'), 10, { min: 1, max: 256 })
  const crossOrigin = parseEnum('cross-origin-redirect', get('cross-origin-redirect'), ['follow', 'refuse'], 'follow')
  const rawSafe = get('safe-headers')
  const safeHeaders = rawSafe ? parseList(rawSafe) : [...DEFAULT_REDIRECTS.safeHeaders]
  for (const name of safeHeaders) {
    if (!HEADER_NAME.test(name))
      throw new ConfigurationError('safe-headers', 'header names like Accept, User-Agent', name)
  }

  const checks = checksFromUrls(get('urls'), defaults)
  const rawChecks = get('checks')
  if (rawChecks) {
    if (looksLikeInlineYaml(rawChecks)) checks.push(...checksFromYaml(rawChecks, defaults))
    else {
      const path = isAbsolute(rawChecks) ? rawChecks : resolve(io.cwd, rawChecks)
      let text: string
      try {
        text = io.readFile(path)
      } catch (error) {
        const code = (error as { code?: string }).code
        const why =
          code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`
        throw new ConfigurationError('checks', `${CHECKS_FILE_FORM}; the file ${rawChecks} ${why}`)
      }
      checks.push(...checksFromYaml(text, defaults, `the file ${rawChecks}`))
    }
  }
  if (checks.length === 0) {
    throw new ConfigurationError('urls', 'at least one URL in urls (one a line) or one check in checks')
  }

  const unique = uniqueNames(checks)
  const step = (env.GITHUB_ACTION || 'local').replace(/[^\w.-]+/g, '_')
  return {
    checks: unique,
    timeoutMs,
    intervalMs,
    requestTimeoutMs,
    consecutiveSuccesses,
    concurrency,
    redirects: { crossOrigin, safeHeaders },
    secrets: secretsOf(unique),
    reportPath: join(env.RUNNER_TEMP || io.cwd, `smoke-test-report-${step}.json`),
  }
}
