// Our runner protocol must be read by the runner exactly as @actions/core's output is: the same
// workflow commands on stdout and the same file-command records.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { ConfigurationError, DeployError } from '@deploy-actions/kit'
import * as runner from '@deploy-actions/kit/runtime'
import { coreLogger, maskSecret, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { parseCommandFile } from '@deploy-actions/testbed'

const saved = { ...process.env }
let dir: string
let stdout: string[]
const realWrite = process.stdout.write.bind(process.stdout)

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-'))
  for (const f of ['output', 'state', 'summary']) writeFileSync(join(dir, f), '')
  process.env.GITHUB_OUTPUT = join(dir, 'output')
  process.env.GITHUB_STATE = join(dir, 'state')
  process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary')
  stdout = []
  process.stdout.write = ((chunk: string) => {
    stdout.push(String(chunk))
    return true
  }) as typeof process.stdout.write
})

afterEach(() => {
  process.stdout.write = realWrite
  process.env = { ...saved }
  process.exitCode = undefined
})

/** Runs `fn` and returns what it printed and wrote to the output and state files. */
function capture(fn: () => void) {
  for (const f of ['output', 'state']) writeFileSync(join(dir, f), '')
  stdout = []
  fn()
  return {
    stdout: stdout.join(''),
    outputs: parseCommandFile(readFileSync(join(dir, 'output'), 'utf8')),
    state: parseCommandFile(readFileSync(join(dir, 'state'), 'utf8')),
  }
}

test.each([
  ['plain', 'hello'],
  ['escapes', '50% done\r\nnext line'],
  ['colons and commas', 'a: b, c'],
])('stdout commands match @actions/core (%s)', (_name, message) => {
  const where = { file: 'db/migration/V2__x.sql', startLine: 3, title: 'failed: V2, step 1' }
  const ours = capture(() => {
    coreLogger.info(message)
    coreLogger.debug(message)
    coreLogger.warning(message, where)
    coreLogger.error(message, where)
    coreLogger.error(message)
    maskSecret(message)
  }).stdout
  const theirs = capture(() => {
    core.info(message)
    core.debug(message)
    core.warning(message, where)
    core.error(message, where)
    core.error(message)
    core.setSecret(message)
  }).stdout
  expect(ours).toBe(theirs)
})

test('outputs and state are read back as @actions/core writes them, multi-line values included', () => {
  const values = { one: 'v1', multi: 'line 1\nline 2', empty: '' }
  const ours = capture(() => {
    setOutputs(values)
    runner.saveState('s', 'x\ny')
  })
  const theirs = capture(() => {
    for (const [k, v] of Object.entries(values)) core.setOutput(k, v)
    core.saveState('s', 'x\ny')
  })
  expect(ours.outputs).toEqual(values)
  expect(ours.outputs).toEqual(theirs.outputs)
  expect(ours.state).toEqual(theirs.state)
})

test('getInput reads INPUT_ variables as @actions/core does', () => {
  process.env['INPUT_DB-INSTANCE-IDENTIFIER'] = '  webshop-prod \n'
  process.env.INPUT_SOME_NAME = 'x'
  expect(runner.getInput('db-instance-identifier')).toBe(core.getInput('db-instance-identifier'))
  expect(runner.getInput('some name')).toBe('x')
  expect(runner.getInput('missing')).toBe('')
})

test('groups wrap their output and close even when the body throws', async () => {
  stdout = []
  await expect(
    coreLogger.group('Upload', async () => {
      coreLogger.info('inside')
      throw new Error('boom')
    }),
  ).rejects.toThrow('boom')
  expect(stdout.join('')).toBe('::group::Upload\ninside\n::endgroup::\n')
})

test('writeSummary appends markdown to the step summary', async () => {
  await writeSummary('| a |\n| --- |')
  await writeSummary('more')
  expect(readFileSync(join(dir, 'summary'), 'utf8')).toBe('| a |\n| --- |\nmore\n')
})

describe('runAction, the single error boundary', () => {
  test('a configuration error fails the step naming the input', async () => {
    await runAction(async () => {
      throw new ConfigurationError('timeout', 'a duration like 30s', 'soon')
    })
    expect(process.exitCode).toBe(1)
    expect(stdout.join('')).toContain('::error::Invalid input timeout: expected a duration like 30s, got "soon"\n')
  })

  test('a deploy error fails with one line that says what was left where', async () => {
    await runAction(async () => {
      throw new DeployError('canary unhealthy:\n3 restarts', { leftState: 'canary deleted, stable at v1' })
    })
    expect(process.exitCode).toBe(1)
    expect(stdout.join('')).toContain('::error::canary unhealthy: 3 restarts (left: canary deleted, stable at v1)\n')
  })

  test('main runs first and flags the post step; the post run runs only post', async () => {
    const calls: string[] = []
    await runAction(
      async () => void calls.push('main'),
      async () => void calls.push('post'),
    )
    const state = parseCommandFile(readFileSync(join(dir, 'state'), 'utf8'))
    expect(state).toEqual({ 'deploy-actions-post': 'true' })
    process.env['STATE_deploy-actions-post'] = 'true'
    await runAction(
      async () => void calls.push('main'),
      async () => void calls.push('post'),
    )
    expect(calls).toEqual(['main', 'post'])
    expect(process.exitCode).toBeUndefined()
  })
})
