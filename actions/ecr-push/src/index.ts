// ecr-push entry point: the only import-time side effect. The same bundle runs as the post step.
import { realClock } from '@deploy-actions/kit'
import * as runtime from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'
import { post } from './post.ts'
import { newReport, outputsOf, renderSummary } from './report.ts'

void runtime.runAction(async () => {
  const inputs = parseInputs(runtime.getInput, process.env) // bad input fails here, before the SDK loads
  const [{ realPorts }, { run }, source] = await Promise.all([
    import('./ports.ts'),
    import('./main.ts'),
    runtime.workflowContext(),
  ])
  const log = runtime.coreLogger
  const report = newReport(inputs)
  try {
    const ports = realPorts(inputs.region, log)
    await run(
      inputs,
      { ...ports, log, clock: realClock, source, mask: runtime.maskSecret, saveState: runtime.saveState },
      report,
    )
  } finally {
    runtime.setOutputs(outputsOf(report))
    await runtime.writeSummary(renderSummary(report))
  }
}, post)
