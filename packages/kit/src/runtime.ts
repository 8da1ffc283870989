// The runner-bound half of the kit, over GitHub's own toolkit (@actions/core): inputs, outputs,
// state, secrets, annotations, groups and the job summary, so the runner protocol (file commands,
// escaping, heredoc delimiters) is GitHub's to keep current, not ours. Pure modules never import
// this file; only entry points (index.ts / post.ts) and adapters do.

import { Writable } from 'node:stream'
import * as core from '@actions/core'
import { ConfigurationError, describeError } from './errors.ts'
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
  const { context } = await import('@actions/github')
  const repository = process.env.GITHUB_REPOSITORY ? `${context.repo.owner}/${context.repo.repo}` : undefined
  const repositoryUrl = repository ? `${context.serverUrl}/${repository}` : undefined
  return {
    ...(context.ref ? { ref: context.ref } : {}),
    ...(context.sha ? { sha: context.sha } : {}),
    ...(repositoryUrl ? { repositoryUrl } : {}),
    ...(repositoryUrl && context.runId ? { runUrl: `${repositoryUrl}/actions/runs/${context.runId}` } : {}),
  }
}

const POST_STATE = 'deploy-actions-post'

/**
 * The single error boundary of every action. Runs `main`, or `post` when the runner invokes the
 * same bundle again as the post step (the main step leaves a state flag behind, as GitHub's own
 * actions do). Any error becomes a failed step with a one-line cause.
 */
export async function runAction(main: () => Promise<void>, post?: () => Promise<void>): Promise<void> {
  const isPost = core.getState(POST_STATE) === 'true'
  try {
    if (isPost) {
      if (post) await post()
      return
    }
    if (post) core.saveState(POST_STATE, 'true')
    await main()
  } catch (error) {
    if (error instanceof ConfigurationError) core.setFailed(`Invalid input ${describeError(error)}`)
    else core.setFailed(describeError(error))
    if (error instanceof Error && error.stack && !(error instanceof ConfigurationError)) core.debug(error.stack)
  }
}
