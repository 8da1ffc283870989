import { realClock } from '@deploy-actions/kit'
import { coreLogger, getInput, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'

void runAction(async ({ signal, left }) => {
  const inputs = parseInputs(getInput, process.env) // bad input fails here, before any SDK loads
  // main.ts starts walking `source` while the S3 SDK (loaded by awsPorts) is read and compiled.
  const [{ run }, r, { awsPorts }] = await Promise.all([
    import('./main.ts'),
    import('./report.ts'),
    import('./ports.ts'),
  ])
  const report = r.newReport(inputs)
  left(() => r.leftOf(report))
  try {
    await run(inputs, { ...awsPorts(inputs.region), clock: realClock, log: coreLogger, signal }, report)
  } finally {
    setOutputs(r.outputsOf(report))
    await writeSummary(r.renderSummary(report))
  }
})
