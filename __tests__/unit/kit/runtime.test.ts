// The runner-bound half of the kit (@deploy-actions/kit/runtime, over @actions/core), checked the
// way the runner reads it: workflow commands on stdout, and the GITHUB_OUTPUT / GITHUB_STATE /
// GITHUB_STEP_SUMMARY files the runner hands each step.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigurationError, DeployError } from '@deploy-actions/kit'
import {
  coreLogger,
  getInput,
  getState,
  maskSecret,
  runAction,
  saveState,
  setOutput,
  setOutputs,
  writeSummary,
} from '@deploy-actions/kit/runtime'
import { parseCommandFile } from '@deploy-actions/testbed'

const saved = { ...process.env }
let dir: string
let stdout: string[]
const realWrite = process.stdout.write.bind(process.stdout)

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runtime-'))
  for (const f of ['output', 'state', 'summary']) writeFileSync(join(dir, f), '')
  process.env.GITHUB_OUTPUT = join(dir, 'output')
  process.env.GITHUB_STATE = join(dir, 'state')
  process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary')
  for (const k of Object.keys(process.env)) if (k.startsWith('STATE_') || k.startsWith('INPUT_')) delete process.env[k]
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

const printed = () => stdout.join('')
const fileOf = (name: 'output' | 'state') => parseCommandFile(readFileSync(join(dir, name), 'utf8'))

describe('inputs and state', () => {
  test('getInput reads the trimmed INPUT_ variable (spaces become underscores), "" when unset', () => {
    process.env['INPUT_DB-INSTANCE-IDENTIFIER'] = '  webshop-prod \n'
    process.env.INPUT_SOME_NAME = 'x'
    expect(getInput('db-instance-identifier')).toBe('webshop-prod')
    expect(getInput('some name')).toBe('x')
    expect(getInput('missing')).toBe('')
  })

  test('saveState writes the state file; getState reads what the runner passes back as STATE_', () => {
    saveState('s', 'x\ny')
    expect(fileOf('state')).toEqual({ s: 'x\ny' })
    expect(getState('s')).toBe('')
    process.env.STATE_s = 'x\ny'
    expect(getState('s')).toBe('x\ny')
  })
})

describe('outputs, secrets, logs and the summary', () => {
  test('setOutputs writes every known value, multi-line and empty included, and skips undefined', () => {
    setOutputs({ one: 'v1', multi: 'line 1\nline 2', empty: '', count: 3, ok: false, unknown: undefined })
    setOutput('image', 'r/x:v1')
    expect(fileOf('output')).toEqual({
      one: 'v1',
      multi: 'line 1\nline 2',
      empty: '',
      count: '3',
      ok: 'false',
      image: 'r/x:v1',
    })
    expect(printed()).toBe('')
  })

  test('maskSecret registers a value with the runner; empty and undefined register nothing', () => {
    maskSecret('hunter2')
    maskSecret('')
    maskSecret(undefined)
    expect(printed()).toBe('::add-mask::hunter2\n')
  })

  test('logger lines escape what could start or break a workflow command; annotations carry file and line', () => {
    const where = { file: 'db/migration/V2__x.sql', startLine: 3, title: 'failed: V2, step 1' }
    coreLogger.info('50% done')
    coreLogger.warning('a: b\r\nnext', where)
    coreLogger.error('100%')
    expect(printed()).toBe(
      '50% done\n' +
        '::warning title=failed%3A V2%2C step 1,file=db/migration/V2__x.sql,line=3::a: b%0D%0Anext\n' +
        '::error::100%25\n',
    )
  })

  test('groups wrap their output and close even when the body throws', async () => {
    await expect(
      coreLogger.group('Upload', async () => {
        coreLogger.info('inside')
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(printed()).toBe('::group::Upload\ninside\n::endgroup::\n')
  })

  test('writeSummary appends markdown to the step summary file', async () => {
    await writeSummary('| a |\n| --- |')
    await writeSummary('more')
    expect(readFileSync(join(dir, 'summary'), 'utf8')).toBe('| a |\n| --- |\nmore\n')
  })

  test('writeSummary is a no-op off a runner (no GITHUB_STEP_SUMMARY)', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    await expect(writeSummary('x')).resolves.toBeUndefined()
    expect(readFileSync(join(dir, 'summary'), 'utf8')).toBe('')
  })
})

describe('runAction, the single error boundary', () => {
  test('a configuration error fails the step naming the input, with exit code 1 and no stack', async () => {
    await runAction(async () => {
      throw new ConfigurationError('timeout', 'a duration like 30s', 'soon')
    })
    expect(process.exitCode).toBe(1)
    expect(printed()).toBe('::error::Invalid input timeout: expected a duration like 30s, got "soon"\n')
  })

  test('a deploy error fails with one line that says what was left where; the stack goes to debug', async () => {
    await runAction(async () => {
      throw new DeployError('canary unhealthy:\n3 restarts', { leftState: 'canary deleted, stable at v1' })
    })
    expect(process.exitCode).toBe(1)
    const lines = printed().split('\n')
    expect(lines[0]).toBe('::error::canary unhealthy: 3 restarts (left: canary deleted, stable at v1)')
    expect(lines[1]).toMatch(/^::debug::DeployError: canary unhealthy:%0A3 restarts%0A {4}at /)
  })

  test('anything thrown, not only an Error, fails the step with one line', async () => {
    await runAction(async () => {
      throw 'plain\nstring'
    })
    expect(process.exitCode).toBe(1)
    expect(printed()).toBe('::error::plain string\n')
  })

  test('a successful main leaves the exit code alone and, without a post step, no state', async () => {
    const calls: string[] = []
    await runAction(async () => void calls.push('main'))
    expect(calls).toEqual(['main'])
    expect(process.exitCode).toBeUndefined()
    expect(fileOf('state')).toEqual({})
  })

  test('main runs first and flags the post step; the run with that state runs only post', async () => {
    const calls: string[] = []
    const main = async () => void calls.push('main')
    const post = async () => void calls.push('post')
    await runAction(main, post)
    const state = fileOf('state')
    expect(state).toEqual({ 'deploy-actions-post': 'true' })
    // The runner passes the main step's saved state to the post step as STATE_ variables.
    for (const [k, v] of Object.entries(state)) process.env[`STATE_${k}`] = v
    await runAction(main, post)
    expect(calls).toEqual(['main', 'post'])
    expect(process.exitCode).toBeUndefined()
  })

  test('a failing post step fails like main does', async () => {
    process.env['STATE_deploy-actions-post'] = 'true'
    await runAction(
      async () => {},
      async () => {
        throw new DeployError('docker logout failed')
      },
    )
    expect(process.exitCode).toBe(1)
    expect(printed()).toContain('::error::docker logout failed\n')
  })

  test('the main step flags the post step before main runs, so a failed main still gets its post step', async () => {
    await runAction(
      async () => {
        throw new DeployError('push refused')
      },
      async () => {},
    )
    expect(fileOf('state')).toEqual({ 'deploy-actions-post': 'true' })
    expect(process.exitCode).toBe(1)
  })
})

describe('runAction and a cancelled job', () => {
  /** Runs `fn` with only runAction's own SIGINT/SIGTERM listeners (the test runner's set aside). */
  async function withOwnSignalListeners(fn: () => Promise<void>): Promise<void> {
    const saved = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') }
    process.removeAllListeners('SIGINT')
    process.removeAllListeners('SIGTERM')
    try {
      await fn()
    } finally {
      for (const [signal, listeners] of Object.entries(saved)) for (const l of listeners) process.on(signal, l)
    }
  }

  test('ctx.left says what was left when the error does not', async () => {
    await runAction(async ({ left }) => {
      left(() => 'pushed v1, not v2')
      throw new Error('push refused')
    })
    expect(printed()).toContain('::error::push refused (left: pushed v1, not v2)\n')
    expect(printed()).toContain('\nleft: pushed v1, not v2\n')
  })

  test('SIGINT aborts ctx.signal with a CancelledError; the step fails as cancelled with its left: line; listeners go', async () => {
    await withOwnSignalListeners(async () => {
      let seen: unknown
      await runAction(async ({ signal, left }) => {
        left('nothing changed')
        setImmediate(() => process.emit('SIGINT', 'SIGINT'))
        await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
        seen = signal.reason
      }).catch(() => {})
      expect(seen).toBeUndefined() // main did not go on after the abort
      expect(process.listenerCount('SIGINT')).toBe(0)
      expect(process.listenerCount('SIGTERM')).toBe(0)
    })
    expect(process.exitCode).toBe(1)
    expect(printed()).toContain('received SIGINT: the job is being cancelled')
    expect(printed()).toContain('::error::cancelled (SIGINT) (left: nothing changed)\n')
    expect(printed()).toContain('\nleft: nothing changed\n')
  })
})
