// rds-snapshot's orchestration: one function per mode (create.ts, prune.ts, restore.ts) over an
// injected RdsPort, clock and logger. The report is filled as the run goes, so outputs and the
// summary say what is known even when a step fails.
import { describeError } from '@deploy-actions/kit'
import type { Deps } from './context.ts'
import { create } from './create.ts'
import type { Inputs } from './inputs.ts'
import { prune } from './prune.ts'
import type { Report } from './report.ts'
import { restore } from './restore.ts'

export type { Deps } from './context.ts'

export async function run(inputs: Inputs, deps: Deps, report: Report): Promise<Report> {
  const ctx = {
    inputs,
    deps,
    report,
    wait: {
      deadline: deps.clock.now() + inputs.timeoutMs,
      timeoutMs: inputs.timeoutMs,
      pollIntervalMs: inputs.pollIntervalMs,
      progressEveryMs: inputs.progressEveryMs,
      log: (line: string) => deps.log.info(line),
      clock: deps.clock,
      ...(deps.signal ? { signal: deps.signal } : {}),
    },
  }
  try {
    if (inputs.mode === 'create') await create(ctx)
    else if (inputs.mode === 'prune') await prune(ctx)
    else await restore(ctx)
  } catch (error) {
    report.error = describeError(error)
    throw error
  }
  return report
}
