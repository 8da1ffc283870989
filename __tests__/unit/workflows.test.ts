// Every workflow of this repository (.github/workflows, and the callers in workflows-examples/)
// as GitHub reads it: valid by GitHub's own parser, every action of ours it uses exists and gets
// only inputs it declares (and all it requires), every steps.<id>.outputs.<x>,
// needs.<job>.outputs.<x>, jobs.<job>.outputs.<x>, inputs.<x> and secrets.<x> names something
// that exists; and the reusable workflows keep the release rules: each job with its own timeout
// and least-privilege permissions, OIDC only where AWS is called and only in an environment,
// a concurrency group of our own that queues.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parse } from 'yaml'
import { REPO_ROOT } from '../../scripts/action-yml.ts'

type Map = Record<string, unknown>
interface Step {
  id?: string
  uses?: string
  with?: Record<string, unknown>
  if?: string
}
interface Job {
  needs?: string | string[]
  uses?: string
  with?: Record<string, unknown>
  secrets?: 'inherit' | Record<string, unknown>
  outputs?: Record<string, string>
  steps?: Step[]
  permissions?: Record<string, string> | string
  environment?: string | { name: string }
  'timeout-minutes'?: number | string
  if?: string
}
interface Workflow {
  on: Map
  concurrency?: { group?: string; queue?: string }
  jobs: Record<string, Job>
}
interface Interface {
  inputs: Record<string, { required?: boolean }>
  outputs: string[]
}

const WORKFLOW_DIRS = ['.github/workflows', 'workflows-examples']
const files = WORKFLOW_DIRS.flatMap((dir) =>
  existsSync(join(REPO_ROOT, dir))
    ? readdirSync(join(REPO_ROOT, dir))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => `${dir}/${f}`)
    : [],
).sort()

// The public contract of actions being built alongside the workflows: used only while their
// `<short>/action.yml` does not exist yet; once it does, the file is what counts.
const CONTRACT: Record<string, Interface> = {
  canary: {
    inputs: Object.fromEntries(
      [
        'namespace',
        'container',
        'image',
        'manifests',
        'action',
        'traffic-router',
        'http-route',
        'ingress',
        'canary-header',
        'steps',
        'step-duration',
        'analysis-interval',
        'max-restarts',
        'metrics',
        'prometheus-url',
        'bake',
        'rollout-timeout',
        'kubeconfig',
        'eks-cluster',
      ]
        .map((n) => [n, {}])
        .concat([['deployment', { required: true }]]),
    ),
    outputs: ['result', 'reason', 'weight', 'revision', 'previous-image'],
  },
  rollback: {
    inputs: Object.fromEntries(
      ['namespace', 'to-revision', 'image', 'abort-canary', 'wait', 'timeout', 'kubeconfig', 'eks-cluster']
        .map((n) => [n, {}])
        .concat([['deployment', { required: true }]]),
    ),
    outputs: ['revision', 'image', 'previous-image'],
  },
}

/** The interface of one of our actions, by short name: its action.yml, else its contract. */
function actionInterface(short: string): Interface | undefined {
  const file = join(REPO_ROOT, short, 'action.yml')
  if (!existsSync(file)) return CONTRACT[short]
  const a = parse(readFileSync(file, 'utf8')) as { inputs?: Interface['inputs']; outputs?: Map }
  return { inputs: a.inputs ?? {}, outputs: Object.keys(a.outputs ?? {}) }
}

/** Ours: `$/x` (same repository, running commit), `./<checkout>/x` (the GHES fallback), `org/deploy-actions/x@v1`. */
function ourAction(uses: string | undefined): string | undefined {
  if (!uses) return undefined
  return (
    /^\$\/([a-z0-9-]+)$/.exec(uses)?.[1] ??
    /^\.\/\.deploy-actions\/([a-z0-9-]+)$/.exec(uses)?.[1] ??
    /^org\/deploy-actions\/([a-z0-9-]+)@v1$/.exec(uses)?.[1]
  )
}

/** Our reusable workflow a caller job uses: `org/deploy-actions/.github/workflows/x.yml@v1` or `./.github/workflows/x.yml`. */
function ourWorkflow(uses: string | undefined): string | undefined {
  if (!uses) return undefined
  return (
    /^org\/deploy-actions\/(\.github\/workflows\/[\w.-]+\.ya?ml)@v1$/.exec(uses)?.[1] ??
    /^\.\/(\.github\/workflows\/[\w.-]+\.ya?ml)$/.exec(uses)?.[1]
  )
}

/** The text of every expression in a value: `${{ … }}` parts, and whole `if:` values. */
function expressions(value: unknown, key = ''): string[] {
  if (typeof value === 'string') {
    const inline = [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]!)
    return key === 'if' && inline.length === 0 ? [value] : inline
  }
  if (Array.isArray(value)) return value.flatMap((v) => expressions(v))
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => expressions(v, k))
  return []
}

function refs(texts: string[], pattern: RegExp): Array<[string, string]> {
  return texts.flatMap((t) => [...t.matchAll(pattern)].map((m) => [m[1]!, m[2] ?? ''] as [string, string]))
}

const read = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8')
const workflowOf = (file: string) => parse(read(file)) as Workflow
const callOf = (w: Workflow) =>
  (w.on?.workflow_call ?? undefined) as
    | {
        inputs?: Record<string, { type: string; required?: boolean }>
        secrets?: Map
        outputs?: Record<string, { value: string }>
      }
    | undefined
const needsOf = (job: Job) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs])

test('the release and rollback workflows exist', () => {
  expect(files).toEqual(expect.arrayContaining(['.github/workflows/release.yml', '.github/workflows/rollback.yml']))
})

/** Complete workflows shown in the README (a yaml block with `on:` and `jobs:`), checked as files are. */
const readmeExamples = [...read('README.md').matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((text) => /^on:/m.test(text) && /^jobs:/m.test(text))
const sources = [
  ...files.map((file) => [file, read(file)]),
  ...readmeExamples.map((text, i) => [`README.md workflow example ${i + 1}`, text]),
]

test('the README shows a caller of the release workflow', () => {
  expect(readmeExamples.some((t) => t.includes('org/deploy-actions/.github/workflows/release.yml@v1'))).toBe(true)
})

describe.each(sources)('%s', (file, text) => {
  const workflow = parse(text) as Workflow
  const call = callOf(workflow)
  const dispatchInputs = ((workflow.on?.workflow_dispatch as Map | undefined)?.inputs ?? {}) as Map

  test("is valid by GitHub's workflow parser", () => {
    const result = parseWorkflow({ name: file, content: text }, new NoOperationTraceWriter())
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([])
  })

  test('uses only actions of ours that exist, with inputs they declare and all they require', () => {
    const problems: string[] = []
    for (const [jobId, job] of Object.entries(workflow.jobs)) {
      for (const step of job.steps ?? []) {
        const short = ourAction(step.uses)
        if (!short) continue
        const a = actionInterface(short)
        if (!a) {
          problems.push(`${jobId}: ${step.uses}: no ${short}/action.yml`)
          continue
        }
        const given = Object.keys(step.with ?? {})
        for (const n of given) if (!(n in a.inputs)) problems.push(`${jobId}: ${short} has no input ${n}`)
        for (const [n, spec] of Object.entries(a.inputs))
          if (spec.required && !given.includes(n)) problems.push(`${jobId}: ${short} requires ${n}`)
      }
    }
    expect(problems).toEqual([])
  })

  test('calls our reusable workflows with inputs and secrets they declare and all they require', () => {
    const problems: string[] = []
    for (const [jobId, job] of Object.entries(workflow.jobs)) {
      const called = ourWorkflow(job.uses)
      if (!called) continue
      if (!existsSync(join(REPO_ROOT, called))) {
        problems.push(`${jobId}: ${called} does not exist`)
        continue
      }
      const target = callOf(workflowOf(called))!
      const given = Object.keys(job.with ?? {})
      for (const n of given) if (!(n in (target.inputs ?? {}))) problems.push(`${jobId}: ${called} has no input ${n}`)
      for (const [n, spec] of Object.entries(target.inputs ?? {}))
        if (spec.required && !given.includes(n)) problems.push(`${jobId}: ${called} requires ${n}`)
      if (job.secrets && job.secrets !== 'inherit')
        for (const n of Object.keys(job.secrets))
          if (!(n in (target.secrets ?? {}))) problems.push(`${jobId}: ${called} has no secret ${n}`)
    }
    expect(problems).toEqual([])
  })

  test('every steps/needs/jobs/inputs/secrets reference names something that exists', () => {
    const problems: string[] = []
    const inputNames = new Set([...Object.keys(call?.inputs ?? {}), ...Object.keys(dispatchInputs)])
    const secretNames = new Set([...Object.keys(call?.secrets ?? {}), 'GITHUB_TOKEN'])
    for (const [jobId, job] of Object.entries(workflow.jobs)) {
      const texts = expressions(job)
      const steps = new Map((job.steps ?? []).filter((s) => s.id).map((s) => [s.id!, s]))
      for (const [id, output] of refs(texts, /\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const step = steps.get(id)
        if (!step) problems.push(`${jobId}: no step ${id}`)
        const short = ourAction(step?.uses)
        const outputs = short ? actionInterface(short)?.outputs : undefined
        if (outputs && !outputs.includes(output)) problems.push(`${jobId}: ${short} has no output ${output}`)
      }
      for (const [needed, output] of refs(texts, /\bneeds\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        if (!needsOf(job).includes(needed)) problems.push(`${jobId}: needs.${needed} but does not need it`)
        else if (!(output in (workflow.jobs[needed]?.outputs ?? {})))
          problems.push(`${jobId}: job ${needed} has no output ${output}`)
      }
      for (const [name] of refs(texts, /\binputs\.([\w-]+)/g))
        if (!inputNames.has(name)) problems.push(`${jobId}: no input ${name}`)
      // A reusable workflow sees only the secrets it declares; a caller sees its repository's.
      if (call)
        for (const [name] of refs(texts, /\bsecrets\.([\w-]+)/g))
          if (!secretNames.has(name)) problems.push(`${jobId}: no secret ${name}`)
      for (const n of needsOf(job)) if (!(n in workflow.jobs)) problems.push(`${jobId}: needs unknown job ${n}`)
    }
    for (const [name, output] of Object.entries(call?.outputs ?? {})) {
      for (const [jobId, out] of refs(expressions(output.value), /\bjobs\.([\w-]+)\.outputs\.([\w-]+)/g))
        if (!(out in (workflow.jobs[jobId]?.outputs ?? {})))
          problems.push(`output ${name}: job ${jobId} has no output ${out}`)
    }
    expect(problems).toEqual([])
  })

  if (file.startsWith('workflows-examples/')) {
    test('says what the repository needs and gives the OIDC trust policy (sub and job_workflow_ref)', () => {
      expect(text).toMatch(/^# The repository needs\b/m)
      expect(text).toMatch(/"token\.actions\.githubusercontent\.com:sub": "repo:[\w-]+\/[\w-]+:environment:[\w-]+"/)
      expect(text).toMatch(
        /"token\.actions\.githubusercontent\.com:job_workflow_ref": "[\w-]+\/[\w-]+\/\.github\/workflows\/[\w.-]+\.yml@refs\/(tags|heads)\/[\w.-]+"/,
      )
      // A caller of the release workflow must trust that workflow, not its own file.
      if (text.includes('.github/workflows/release.yml@v1'))
        expect(text).toContain('"org/deploy-actions/.github/workflows/release.yml@refs/tags/v1"')
    })
  }

  if (!call) return
  describe('as a reusable workflow', () => {
    test('takes only strings, numbers and booleans (workflow_call has no lists)', () => {
      for (const [name, spec] of Object.entries(call.inputs ?? {}))
        expect({ name, type: ['string', 'number', 'boolean'].includes(spec.type) }).toEqual({ name, type: true })
    })

    test('runs one at a time per environment in a queue of its own name', () => {
      expect(workflow.concurrency?.group).toMatch(/^deploy-actions-[a-z]+-\$\{\{ inputs\.environment \}\}$/)
      expect(workflow.concurrency?.queue).toBe('max')
    })

    test.each(Object.keys(workflow.jobs))(
      'job %s: own timeout and permissions; OIDC only with AWS, in the environment',
      (jobId) => {
        const job = workflow.jobs[jobId]!
        expect(job['timeout-minutes']).toBeDefined()
        expect(job.permissions).toBeDefined()
        const permissions = typeof job.permissions === 'object' ? job.permissions : {}
        const callsAws = (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))
        expect({ jobId, oidc: permissions['id-token'] === 'write' }).toEqual({ jobId, oidc: callsAws })
        for (const [scope, level] of Object.entries(permissions))
          expect({ scope, level }).toEqual({ scope, level: scope === 'id-token' ? 'write' : 'read' })
        if (callsAws) {
          const env = typeof job.environment === 'object' ? job.environment.name : job.environment
          expect(env).toBe('${{ inputs.environment }}')
        }
      },
    )
  })
})
