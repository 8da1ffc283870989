// ecr-push entry point: the only import-time side effect. The same bundle runs as the post step.
import { getInput, maskSecret, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'
import { post } from './post.ts'
import { leftOf, newReport, outputsOf, renderSummary } from './report.ts'

void runAction(async ({ signal, left }) => {
  const inputs = parseInputs(getInput, process.env) // bad input fails here, before the SDK loads
  for (const secret of Object.values(inputs.secretBuildArgs)) maskSecret(secret)
  const [{ runnerDeps }, { run }] = await Promise.all([import('./ports.ts'), import('./main.ts')])
  const report = newReport(inputs)
  left(() => leftOf(report))
  try {
    await run(inputs, await runnerDeps(inputs, signal), report)
  } finally {
    setOutputs(outputsOf(report))
    await writeSummary(renderSummary(report))
  }
}, post)
