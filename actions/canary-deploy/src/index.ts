// canary-deploy: a controller-free canary on Kubernetes. Inputs are validated before
// client-node loads; cancellation (SIGINT/SIGTERM) aborts the canary this job started, and the
// post step (same bundle) does it if the main step could not.
import { readFileSync } from 'node:fs'
import { realClock } from '@deploy-actions/kit'
import {
  coreLogger,
  getInput,
  maskSecret,
  runAction,
  saveState,
  setOutputs,
  writeSummary,
} from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'
import { post } from './post.ts'
import { newReport, outputsOf, renderSummary } from './report.ts'

void runAction(async (action) => {
  const inputs = parseInputs(getInput, process.env, {
    readFile: (p) => readFileSync(p, 'utf8'),
    cwd: process.env.GITHUB_WORKSPACE ?? process.cwd(),
  })
  for (const secret of inputs.secrets) maskSecret(secret)
  const report = newReport(inputs, Date.now())
  action.left(() => report.left)
  try {
    const [{ connectPorts }, { run }] = await Promise.all([import('./ports.ts'), import('./main.ts')])
    const ports = await connectPorts(inputs, { onSecret: maskSecret, env: process.env })
    coreLogger.info(`cluster: ${ports.source}`)
    await run(
      inputs,
      {
        ...ports,
        clock: realClock,
        log: coreLogger,
        signal: action.signal,
        remember: (c) => saveState('canary', c),
      },
      report,
    )
  } finally {
    setOutputs(outputsOf(report))
    await writeSummary(renderSummary(report))
  }
}, post)
