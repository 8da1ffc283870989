// The GitHub Actions runner protocol, written out: workflow commands on stdout (`::error::`,
// `::add-mask::`, `::group::` …) and file commands (GITHUB_OUTPUT, GITHUB_STATE,
// GITHUB_STEP_SUMMARY), byte-compatible with what @actions/core 3 writes (same escaping, same
// `ghadelimiter_<uuid>` heredocs). Why not @actions/core itself: it statically pulls in
// @actions/http-client, undici, tunnel and @actions/exec (about 600 KB of a 640 KB bundle) for
// OIDC and proxies we never use, and parsing them is most of an action's start-up time.
import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'
import { envInputGetter } from './inputs.ts'
import type { Annotation } from './log.ts'

const write = (line: string): void => void process.stdout.write(`${line}${EOL}`)

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function command(name: string, message: string, properties: Record<string, string | number | undefined> = {}) {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',')
  write(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`)
}

function annotationProperties(where: Annotation | undefined) {
  return { title: where?.title, file: where?.file, line: where?.startLine, endLine: where?.endLine }
}

function fileCommand(variable: 'GITHUB_OUTPUT' | 'GITHUB_STATE', key: string, value: string): boolean {
  const path = process.env[variable]
  if (!path) return false
  const delimiter = `ghadelimiter_${randomUUID()}`
  appendFileSync(path, `${key}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8')
  return true
}

/** `core.getInput`: the trimmed `INPUT_<NAME>` variable, '' when unset (kit's one reader of it). */
export const getInput = (name: string): string => envInputGetter(process.env)(name)

export const info = (message: string): void => write(message)
export const debug = (message: string): void => command('debug', message)
export const warning = (message: string, where?: Annotation): void =>
  command('warning', message, annotationProperties(where))
export const error = (message: string, where?: Annotation): void =>
  command('error', message, annotationProperties(where))
export const setSecret = (value: string): void => command('add-mask', value)
export const isDebug = (): boolean => process.env.RUNNER_DEBUG === '1'

export async function group<T>(title: string, fn: () => Promise<T>): Promise<T> {
  write(`::group::${escapeData(title)}`)
  try {
    return await fn()
  } finally {
    write('::endgroup::')
  }
}

export function setOutput(name: string, value: string): void {
  // Off a runner (no GITHUB_OUTPUT) the old stdout command is what local runners still read.
  if (!fileCommand('GITHUB_OUTPUT', name, value)) command('set-output', value, { name })
}

export function saveState(name: string, value: string): void {
  if (!fileCommand('GITHUB_STATE', name, value)) command('save-state', value, { name })
}

/** State saved by the main step, given to the post step as `STATE_<name>`. */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? ''
}

/** Appends markdown to the job summary; false off a runner. */
export function appendSummary(markdown: string): boolean {
  const path = process.env.GITHUB_STEP_SUMMARY
  if (!path) return false
  appendFileSync(path, `${markdown}${EOL}`, 'utf8')
  return true
}

/** `core.setFailed`: an error annotation and a failing exit code. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}
