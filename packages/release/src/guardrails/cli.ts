#!/usr/bin/env node
// `deploy-actions dora --repo owner/name [--environment production] [--days 30]`: the DORA figures
// of an environment from the GitHub Deployments API (GITHUB_TOKEN; GITHUB_API_URL for GHES).
// Runs on its own (`node packages/release/src/guardrails/cli.ts dora …`) and as the release CLI's
// `dora` command.
import { pathToFileURL } from 'node:url'
import { repoOf } from './deployments.ts'
import { computeDora, fetchDeployments, formatDora } from './dora.ts'

const USAGE = `usage: deploy-actions dora --repo OWNER/NAME [--environment production] [--days 30] [--json]

Prints deployment frequency, lead time, change failure rate and time to restore of one environment,
from the GitHub Deployments API (token in GITHUB_TOKEN, API in GITHUB_API_URL, default api.github.com).`

export async function doraCommand(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  print: (text: string) => void,
  now = Date.now(),
): Promise<number> {
  const flags: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined]
    if (flag === '--json') {
      flags.json = 'true'
      continue
    }
    if (!['--repo', '--environment', '--days'].includes(flag)) return usage(print, `unknown option ${flag}`)
    const value = inline ?? argv[++i]
    if (!value) return usage(print, `${flag} needs a value`)
    flags[flag.slice(2)] = value
  }
  const repo = repoOf(flags.repo ?? env.GITHUB_REPOSITORY)
  if (!repo) return usage(print, '--repo: expected OWNER/NAME (or GITHUB_REPOSITORY)')
  const days = Number(flags.days ?? 30)
  if (!Number.isInteger(days) || days < 1)
    return usage(print, `--days: expected a whole number of days, got "${flags.days}"`)
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN
  if (!token) return usage(print, "GITHUB_TOKEN is not set (a token that can read the repository's deployments)")
  const environment = flags.environment ?? 'production'
  const { githubToolkit } = await import('@deploy-actions/kit/runtime')
  const { getOctokit } = await githubToolkit()
  const gh = getOctokit(token, { baseUrl: env.GITHUB_API_URL || 'https://api.github.com' })
  const dora = computeDora(await fetchDeployments(gh, repo, environment), now, days)
  print(flags.json ? JSON.stringify(dora, null, 2) : formatDora(dora, `${repo.owner}/${repo.repo} ${environment}`))
  return 0
}

function usage(print: (text: string) => void, problem: string): number {
  print(`deploy-actions dora: ${problem}\n\n${USAGE}`)
  return 2
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [command, ...rest] = process.argv.slice(2)
  if (command !== 'dora') {
    console.error(USAGE)
    process.exitCode = 2
  } else
    doraCommand(rest, process.env, (t) => console.log(t)).then(
      (code) => {
        process.exitCode = code
      },
      (error: unknown) => {
        console.error(`deploy-actions dora: ${error instanceof Error ? error.message : String(error)}`)
        process.exitCode = 1
      },
    )
}
