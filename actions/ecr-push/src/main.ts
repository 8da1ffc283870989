// ecr-push orchestration: make sure the repository exists, then build/push or promote, then the
// optional scan gate. Every step fills in `report`, so outputs and the summary tell what is
// known even when a later step fails. Clients, clock and runner hooks are injected.
import { type Clock, DeployError, type Logger } from '@deploy-actions/kit'
import type { Inputs } from './inputs.ts'
import { registryHost } from './plan.ts'
import type { EcrRepository, Ports } from './ports.ts'
import { promote } from './promote.ts'
import { buildAndPush } from './push.ts'
import type { PushReport } from './report.ts'
import { scanGateStep } from './scan.ts'

/** What the workflow run tells about the source (from @actions/github's context on a runner). */
export interface SourceContext {
  /** `https://github.com/acme/shop` */
  repositoryUrl?: string
  sha?: string
}

export interface Deps extends Ports {
  log: Logger
  clock: Clock
  source: SourceContext
  /** Registers a secret with the runner (core.setSecret) before anything can print it. */
  mask(secret: string): void
  /** Hands state to the post step (core.saveState). */
  saveState(name: string, value: string): void
  /** Aborted when the job is cancelled: no new step starts. */
  signal?: AbortSignal
  scanTimeoutMs?: number
  scanIntervalMs?: number
  retryBaseMs?: number
}

export async function run(inputs: Inputs, deps: Deps, report: PushReport): Promise<void> {
  const { log } = deps
  const repo = await log.group(`Repository ${inputs.repository}`, () => ensureRepository(inputs, deps))
  if (!inputs.registry) report.registry = registryHost(repo.uri.split('/')[0] ?? repo.uri)
  if (inputs.mode === 'promote') await promote(inputs, repo, deps, report)
  else await buildAndPush(inputs, deps, report)
  const digest = report.digest
  if (inputs.scan && digest) await log.group('Scan', () => scanGateStep(inputs, digest, deps, report))
}

async function ensureRepository(inputs: Inputs, deps: Deps): Promise<EcrRepository> {
  const existing = await deps.ecr.describeRepository(inputs.repository)
  if (existing) {
    deps.log.info(`repository ${existing.uri} (tags ${existing.immutable ? 'immutable' : 'mutable'})`)
    return existing
  }
  if (!inputs.createRepository || inputs.mode === 'promote') {
    throw new DeployError(
      `ECR repository "${inputs.repository}" does not exist in region ${inputs.region}` +
        (inputs.mode === 'promote' ? '' : ' (create it, or set create-repository: true)'),
      { leftState: 'nothing changed' },
    )
  }
  const created = await deps.ecr.createRepository(inputs.repository)
  deps.log.info(`created repository ${created.uri} in ${inputs.region} with scan on push`)
  return created
}
