/**
 * The release version from the runner's ref: `refs/tags/v2.1.0` gives `v2.1.0`; any other ref
 * gives the short commit SHA (7 characters), as the runbooks tag images.
 */
export function versionFromRef(env: NodeJS.ProcessEnv = process.env): string {
  const ref = env.GITHUB_REF ?? ''
  if (ref.startsWith('refs/tags/')) return ref.slice('refs/tags/'.length)
  const sha = env.GITHUB_SHA ?? ''
  if (sha) return sha.slice(0, 7)
  return 'local'
}

/** The URL of the running workflow run, when on a runner. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined
}
