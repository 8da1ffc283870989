// The runner-bound half of the kit, over GitHub's own toolkit (@actions/core): inputs, outputs,
// state, secrets, annotations, groups and the job summary, so the runner protocol (file commands,
// escaping, heredoc delimiters) is GitHub's to keep current, not ours. Pure modules never import
// this file; only entry points (index.ts / post.ts) and adapters do.

import { readdirSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { Writable } from 'node:stream'
import * as core from '@actions/core'
import type { ExecOptions } from '@actions/exec'
import { CancelledError, cancellationOf } from './cancel.ts'
import { ConfigurationError, DeployError, describeError } from './errors.ts'
import { escapeCommandText } from './escape.ts'
import type { Annotation, Logger } from './log.ts'

/** `core.getInput`: the trimmed `INPUT_<NAME>` variable, '' when unset. */
export const getInput = (name: string): string => core.getInput(name)
export const getState = (name: string): string => core.getState(name)
export const saveState = (name: string, value: string): void => core.saveState(name, value)
export const setOutput = (name: string, value: string): void => core.setOutput(name, value)

const annotation = (where: Annotation | undefined): core.AnnotationProperties | undefined =>
  where && { title: where.title, file: where.file, startLine: where.startLine, endLine: where.endLine }

/**
 * The logger on a runner: groups, annotations with file and line, debug only when enabled.
 * `info` is the one @actions/core prints as-is, so it escapes text that could start a workflow
 * command (warning/error/debug/group go through core's own command escaping).
 */
export const coreLogger: Logger = {
  info: (message) => core.info(escapeCommandText(message)),
  warning: (message, where) => core.warning(message, annotation(where)),
  error: (message, where) => core.error(message, annotation(where)),
  debug: (message) => core.debug(message),
  group: (title, fn) => core.group(title, fn),
}

/**
 * A stream for a subprocess's output (@actions/exec's `outStream`/`errStream`): passed through to
 * stdout line by line, escaped like the logger's lines, so a tool echoing user text (a build
 * printing a label, a file name) cannot start a workflow command either.
 */
export function commandSafeStream(target: NodeJS.WritableStream = process.stdout): Writable {
  let pending = ''
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString()
      const end = Math.max(pending.lastIndexOf('\n'), pending.lastIndexOf('\r'))
      if (end >= 0) {
        target.write(escapeCommandText(pending.slice(0, end + 1)))
        pending = pending.slice(end + 1)
      }
      done()
    },
    final(done) {
      if (pending) target.write(escapeCommandText(pending))
      pending = ''
      done()
    },
  })
}

/** Registers a secret with the runner before anything can print it. */
export function maskSecret(value: string | undefined): void {
  if (value) core.setSecret(value)
}

export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, String(value))
  }
}

/** Appends markdown to the job summary; a no-op off a runner (no GITHUB_STEP_SUMMARY). */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown, true).write()
}

/** The workflow run, as @actions/github's context reads it from the runner. */
export interface WorkflowContext {
  /** `refs/tags/v2.1.0` */
  ref?: string
  sha?: string
  /** `https://github.com/acme/shop` */
  repositoryUrl?: string
  /** `https://github.com/acme/shop/actions/runs/42` */
  runUrl?: string
}

/** @actions/github's context, imported on first use (it loads Octokit), so bad input still fails fast. */
export async function workflowContext(): Promise<WorkflowContext> {
  const { context } = await githubToolkit()
  const repository = process.env.GITHUB_REPOSITORY ? `${context.repo.owner}/${context.repo.repo}` : undefined
  const repositoryUrl = repository ? `${context.serverUrl}/${repository}` : undefined
  return {
    ...(context.ref ? { ref: context.ref } : {}),
    ...(context.sha ? { sha: context.sha } : {}),
    ...(repositoryUrl ? { repositoryUrl } : {}),
    ...(repositoryUrl && context.runId ? { runUrl: `${repositoryUrl}/actions/runs/${context.runId}` } : {}),
  }
}

/** Set by the bundles' stand-in for @actions/http-client (lazy-http-client.cjs); absent elsewhere. */
const LOAD_HTTP_CLIENT = Symbol.for('@deploy-actions/kit.loadHttpClient')

/**
 * @actions/github, loaded on first use, after the HTTP client it reads at import (its module builds
 * Octokit's defaults with `getProxyAgent`): in bundles that client is a stand-in loaded on demand,
 * so every action starts without undici. The only way our code imports @actions/github.
 */
export async function githubToolkit(): Promise<typeof import('@actions/github')> {
  await (globalThis as Record<symbol, (() => Promise<void>) | undefined>)[LOAD_HTTP_CLIENT]?.()
  return import('@actions/github')
}

const POST_STATE = 'deploy-actions-post'

/** What runAction hands `main` and `post`. */
export interface ActionContext {
  /**
   * Aborted when the job is cancelled (SIGINT, or SIGTERM 7.5 s later) with a CancelledError:
   * stop starting new work and cancel what can be cancelled; outputs and summary still get written.
   */
  signal: AbortSignal
  /**
   * Where things stand, in words (or a function that says it when asked): printed as the `left:`
   * line when the step fails or is cancelled without a DeployError that says it itself.
   */
  left(state: string | (() => string | undefined)): void
}

/** After SIGTERM the runner kills the process 2.5 s later: exit on our own terms before that. */
const SIGTERM_GRACE_MS = 2000

/**
 * The single error boundary of every action. Runs `main`, or `post` when the runner invokes the
 * same bundle again as the post step (the main step leaves a state flag behind, as GitHub's own
 * actions do). Any error becomes a failed step with a one-line cause and, where known, a
 * `left:` line. SIGINT and SIGTERM (a cancelled job) abort `ctx.signal`; if the step has not
 * stopped 2 s after SIGTERM, it exits with what it knows.
 */
export async function runAction(
  main: (ctx: ActionContext) => Promise<void>,
  post?: (ctx: ActionContext) => Promise<void>,
): Promise<void> {
  const isPost = core.getState(POST_STATE) === 'true'
  const controller = new AbortController()
  let left: string | (() => string | undefined) | undefined
  const leftNow = (): string | undefined => {
    try {
      return typeof left === 'function' ? left() : left
    } catch {
      return undefined
    }
  }
  let settled = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      core.info(`received ${signal}: the job is being cancelled; stopping`)
      controller.abort(new CancelledError(signal))
    }
    if (signal !== 'SIGTERM') return
    setTimeout(() => {
      if (settled) return
      const state = leftNow()
      if (state) core.info(escapeCommandText(`left: ${state}`))
      core.setFailed(`cancelled: still running ${SIGTERM_GRACE_MS} ms after SIGTERM${state ? ` (left: ${state})` : ''}`)
      process.exit(1)
    }, SIGTERM_GRACE_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const ctx: ActionContext = {
    signal: controller.signal,
    left: (state) => {
      left = state
    },
  }
  try {
    if (isPost) {
      if (post) await post(ctx)
      return
    }
    if (post) core.saveState(POST_STATE, 'true')
    await main(ctx)
  } catch (error) {
    reportFailure(error, cancellationOf(controller.signal), leftNow())
  } finally {
    settled = true
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

function reportFailure(error: unknown, cancelled: CancelledError | undefined, left: string | undefined): void {
  if (error instanceof ConfigurationError) {
    core.setFailed(`Invalid input ${describeError(error)}`)
    return
  }
  const state = (error instanceof DeployError && error.leftState) || left
  const cause = error instanceof DeployError ? new DeployError(error.message) : error
  const why = error instanceof CancelledError || (error as Error)?.name === 'AbortError' ? '' : describeError(cause)
  const head = cancelled ? `${cancelled.message}${why ? `: ${why}` : ''}` : why
  core.setFailed(state ? `${head} (left: ${state})` : head)
  if (error instanceof Error && error.stack) core.debug(error.stack)
  // Also as a plain line of its own, for whoever reads the log rather than the annotation.
  if (state) core.info(escapeCommandText(`left: ${state}`))
}

/**
 * Sends `signal` to this process's children running `command`. @actions/exec gives no handle on
 * the process it spawns, so a cancelled step finds it through /proc (Linux runners; elsewhere
 * nothing is sent and the runner's own kill ends the child).
 */
export function signalChildren(command: string, signal: NodeJS.Signals = 'SIGINT'): number {
  if (process.platform !== 'linux') return 0
  let sent = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid !== process.pid) continue
      const argv0 = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] ?? ''
      if (basename(argv0) !== command) continue
      process.kill(Number(entry), signal)
      sent++
    } catch {
      // The process ended while we looked.
    }
  }
  return sent
}

/**
 * @actions/exec's `exec` (the `[command]…` line, stdin input, listeners), cancellable: when
 * `signal` aborts, the running command gets SIGINT (as a terminal's Ctrl-C), and no new command
 * starts after it. Output goes through commandSafeStream unless the options say otherwise.
 */
export async function execCommand(
  command: string,
  args: string[],
  options: ExecOptions = {},
  signal?: AbortSignal,
): Promise<number> {
  signal?.throwIfAborted()
  const { exec } = await import('@actions/exec')
  const out = options.outStream ? undefined : commandSafeStream()
  const onAbort = () => signalChildren(basename(command), 'SIGINT')
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    return await exec(command, args, { ...options, ...(out ? { outStream: out } : {}) })
  } finally {
    signal?.removeEventListener('abort', onAbort)
    out?.end()
  }
}
