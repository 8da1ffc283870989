import { realClock } from '@deploy-actions/kit'
import { coreLogger, getInput, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'

void runAction(async ({ signal, left }) => {
  const inputs = parseInputs(getInput, process.env) // bad input fails here, before any SDK loads
  const [{ run }, { leftOf, newReport, outputsOf, renderSummary }, ports] = await Promise.all([
    import('./main.ts'),
    import('./report.ts'),
    import('./ports.ts'),
  ])
  // The S3 SDK loads while `source` is walked; CloudFront's only if an invalidation is sent.
  const deps = { s3: ports.createS3Port(inputs.region), cloudfront: ports.createCloudFrontPort(inputs.region) }
  const report = newReport(inputs)
  left(() => leftOf(report))
  try {
    await run(inputs, { ...deps, clock: realClock, log: coreLogger, signal }, report)
  } finally {
    setOutputs(outputsOf(report))
    await writeSummary(renderSummary(report))
  }
})
