// Promotion by manifest copy (BatchGetImage → PutImage): the bytes tested in staging get the
// production tags without a rebuild. An identical tag is a no-op; a different image under the
// tag of an immutable repository is a clear error.
import { ConfigurationError, DeployError } from '@deploy-actions/kit'
import type { Inputs } from './inputs.ts'
import type { Deps } from './main.ts'
import { manifestMediaType, manifestSize, nearbyTags } from './plan.ts'
import type { EcrImage, EcrRepository } from './ports.ts'
import type { PushReport } from './report.ts'

const UNCHANGED = 'unchanged (already this image)'

export async function promote(inputs: Inputs, repo: EcrRepository, deps: Deps, report: PushReport): Promise<void> {
  const { ecr, log } = deps
  const from = inputs.promoteFrom!
  report.source = `${inputs.repository}:${from}`
  const source = await ecr.getImage(inputs.repository, from)
  if (!source) {
    const tags = await ecr.listTags(inputs.repository)
    const near = nearbyTags(from, tags)
    throw new ConfigurationError(
      'promote-from',
      `an existing tag of ${inputs.repository} (${near.length ? `tags nearby: ${near.join(', ')}` : 'the repository has no tags'})`,
      from,
    )
  }
  report.digest = source.digest
  report.mediaType = source.mediaType ?? manifestMediaType(source.manifest)
  report.sizeBytes = manifestSize(source.manifest) ?? (await ecr.imageSize(inputs.repository, source.digest))
  await log.group(`Promote ${from} → ${inputs.tags.join(', ')} (manifest copy)`, async () => {
    log.info(`source ${inputs.repository}:${from} is ${source.digest} (${report.mediaType ?? 'media type unknown'})`)
    for (const tag of inputs.tags) {
      deps.signal?.throwIfAborted()
      report.tagResults[tag] = await promoteTag(inputs, repo, tag, source, deps, report)
      log.info(`${tag}: ${report.tagResults[tag]}`)
    }
  })
}

async function promoteTag(
  inputs: Inputs,
  repo: EcrRepository,
  tag: string,
  source: EcrImage,
  deps: Deps,
  report: PushReport,
): Promise<string> {
  const { ecr } = deps
  const check = async (): Promise<string | undefined> => {
    const current = await ecr.getImage(inputs.repository, tag)
    if (!current) return undefined
    if (current.digest === source.digest) return UNCHANGED
    if (repo.immutable) {
      const done = Object.keys(report.tagResults)
      throw new DeployError(
        `tag ${tag} of immutable repository ${inputs.repository} already holds a different image (${current.digest}), ` +
          `not ${source.digest}: choose a new tag, or delete that image first`,
        {
          leftState: done.length
            ? `promoted ${done.join(', ')}; ${tag} untouched`
            : `nothing changed; ${tag} untouched`,
        },
      )
    }
    return undefined
  }
  const before = await check()
  if (before) return before
  const image: EcrImage = { ...source, mediaType: source.mediaType ?? manifestMediaType(source.manifest) }
  try {
    const result = await ecr.putImage(inputs.repository, tag, image)
    return result === 'exists' ? UNCHANGED : 'promoted'
  } catch (error) {
    // A concurrent writer, or ECR refusing an immutable tag: say which.
    const after = await check()
    if (after) return after
    throw error
  }
}
