import { realClock } from '@deploy-actions/kit'
import { coreLogger, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { readInputs } from './inputs.ts'
import { lazyCloudFrontPort, lazyS3Port } from './ports.ts'

void runAction(async () => {
  const inputs = readInputs()
  // main.ts (small) loads first and starts walking `source`; the S3 SDK (large) is read and
  // compiled meanwhile (the listing waits for it, hashing overlaps the listing). CloudFront's SDK
  // loads only if an invalidation is sent, lib-storage only for a multipart upload.
  const [{ run, newResult }, { outputsOf, renderSummary }] = await Promise.all([
    import('./main.ts'),
    import('./summary.ts'),
  ])
  const s3Loading = import('./s3.ts').then((m) => m.createS3Port(m.createS3Client(inputs.region)))
  s3Loading.catch(() => {}) // a failed load surfaces on first use
  const cloudfront = lazyCloudFrontPort(() =>
    import('./cloudfront.ts').then((m) => m.createCloudFrontPort(m.createCloudFrontClient(inputs.region))),
  )
  const result = newResult(inputs.dryRun)
  try {
    await run(inputs, { s3: lazyS3Port(s3Loading), cloudfront, clock: realClock, log: coreLogger }, result)
  } finally {
    setOutputs(outputsOf(result))
    await writeSummary(renderSummary(inputs, result))
  }
})
