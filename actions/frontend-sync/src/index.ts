import { realClock } from '@deploy-actions/kit'
import { coreLogger, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { readInputs } from './inputs.ts'

void runAction(async () => {
  const inputs = readInputs()
  const [{ run, newResult }, { createS3Client, createS3Port }, { outputsOf, renderSummary }] = await Promise.all([
    import('./main.ts'),
    import('./s3.ts'),
    import('./summary.ts'),
  ])
  const needsCloudFront = inputs.distributionId !== undefined && inputs.invalidate !== 'none' && !inputs.dryRun
  const cloudfront = needsCloudFront
    ? await import('./cloudfront.ts').then((m) => m.createCloudFrontPort(m.createCloudFrontClient(inputs.region)))
    : undefined
  const result = newResult(inputs.dryRun)
  try {
    await run(
      inputs,
      { s3: createS3Port(createS3Client(inputs.region)), cloudfront, clock: realClock, log: coreLogger },
      result,
    )
  } finally {
    setOutputs(outputsOf(result))
    await writeSummary(renderSummary(inputs, result))
  }
})
