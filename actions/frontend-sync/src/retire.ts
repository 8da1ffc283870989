// Old fingerprinted assets kept for open tabs are tagged with the release that last referenced
// them and since when (`frontend-sync:last-release`, `frontend-sync:retired-at`), so they can be
// told apart in the bucket (and a lifecycle rule can back the grace period up); the tags go when
// a file comes back into the build. A failed tag is reported, never fatal: the state object
// beside the site is what later syncs go by.
import { mapLimit } from '@deploy-actions/kit'
import type { Inputs } from './inputs.ts'
import type { Deps } from './main.ts'
import { TAG_PREFIX } from './ports.ts'
import type { Retention } from './retention.ts'

export async function tagRetired(inputs: Inputs, deps: Deps, retention: Retention): Promise<string[]> {
  const problems: string[] = []
  const work: Array<[string, Record<string, string> | undefined]> = [
    ...retention.newlyRetired.map((key): [string, Record<string, string>] => {
      const r = retention.retired[key]!
      return [key, { [`${TAG_PREFIX}last-release`]: String(r.lastRelease), [`${TAG_PREFIX}retired-at`]: r.since }]
    }),
    ...retention.returned.map((key): [string, undefined] => [key, undefined]),
  ]
  await mapLimit(work, inputs.concurrency, async ([key, tags]) => {
    try {
      await deps.s3.setTags(inputs.bucket, key, tags)
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error))
    }
  })
  return problems
}
