// ecr-push entry point: the only import-time side effect. The same bundle runs as the post step.
import { realClock } from '@deploy-actions/kit'
import * as runtime from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'
import { post } from './post.ts'
import { leftOf, newReport, outputsOf, renderSummary } from './report.ts'

void runtime.runAction(async ({ signal, left }) => {
  const inputs = parseInputs(runtime.getInput, process.env) // bad input fails here, before the SDK loads
  for (const secret of Object.values(inputs.secretBuildArgs)) runtime.maskSecret(secret)
  const [{ realPorts }, { run }, source] = await Promise.all([
    import('./ports.ts'),
    import('./main.ts'),
    runtime.workflowContext(),
  ])
  const log = runtime.coreLogger
  const report = newReport(inputs)
  left(() => leftOf(report))
  try {
    const ports = realPorts(inputs.region, log, signal)
    const hooks = { mask: runtime.maskSecret, saveState: runtime.saveState }
    await run(inputs, { ...ports, ...hooks, log, clock: realClock, source, signal }, report)
  } finally {
    runtime.setOutputs(outputsOf(report))
    await runtime.writeSummary(renderSummary(report))
  }
}, post)
