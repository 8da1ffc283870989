// ecr-push entry point: the only import-time side effect is runAction(main, post).

import { realClock } from '@deploy-actions/kit'
import * as runner from '@deploy-actions/kit/runtime'
import { coreLogger, maskSecret, runAction, writeSummary } from '@deploy-actions/kit/runtime'
import { cliDocker } from './docker.ts'
import { readInputs } from './inputs.ts'
import { newReport, run } from './main.ts'
import { summaryMarkdown } from './plan.ts'

const REGISTRY_STATE = 'registry'

void runAction(
  async () => {
    const inputs = readInputs() // bad input fails here, before the SDK is even loaded
    const [{ createEcrPort }, { httpRegistry }] = await Promise.all([import('./ecr.ts'), import('./registry.ts')])
    const report = newReport(inputs)
    try {
      await run(
        inputs,
        {
          ecr: createEcrPort(inputs.region),
          docker: cliDocker(coreLogger),
          registry: httpRegistry(),
          log: coreLogger,
          clock: realClock,
          env: process.env,
          mask: maskSecret,
          saveState: (name, value) => runner.saveState(name, value),
          output: (name, value) => runner.setOutput(name, value),
        },
        report,
      )
    } finally {
      await writeSummary(summaryMarkdown(report))
    }
  },
  async () => {
    const host = runner.getState(REGISTRY_STATE)
    if (!host) return
    await cliDocker(coreLogger).logout(host)
  },
)
