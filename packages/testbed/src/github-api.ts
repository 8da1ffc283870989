// A local HTTP server speaking the GitHub REST API paths the release uses: Deployments and their
// statuses, and a commit's time. It keeps state as GitHub does (ids, newest-first listings,
// auto_inactive marking the environment's earlier successful deployments inactive) and records
// every call, so tests point @actions/github's Octokit at it with `baseUrl` and assert the calls.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface GitHubCall {
  method: string
  path: string
  body?: Record<string, unknown>
}

export interface FakeDeployment {
  id: number
  ref: string
  sha: string
  environment: string
  payload: unknown
  description: string | null
  production_environment: boolean
  created_at: string
  statuses: Array<{
    id: number
    state: string
    environment_url?: string
    log_url?: string
    description?: string
    created_at: string
  }>
}

export interface GitHubApi {
  url: string
  calls: GitHubCall[]
  deployments: FakeDeployment[]
  /** Commit times by ref or sha, for GET /repos/{o}/{r}/commits/{ref}. */
  commits: Map<string, string>
  /** The clock used for created_at (tests move it). */
  now: () => number
  setNow(now: () => number): void
  stop(): Promise<void>
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined
}

/** Starts the server on 127.0.0.1 and a free port; requests without a token get 401 as GitHub answers. */
export async function startGitHubApi(): Promise<GitHubApi> {
  const api: GitHubApi = {
    url: '',
    calls: [],
    deployments: [],
    commits: new Map(),
    now: () => Date.now(),
    setNow(now) {
      api.now = now
    },
    stop: async () => {},
  }
  let nextId = 1000
  const iso = () => new Date(api.now()).toISOString()
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const body = req.method === 'POST' ? await bodyOf(req) : undefined
    api.calls.push({ method: req.method ?? 'GET', path: url.pathname + url.search, ...(body ? { body } : {}) })
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify(data))
    }
    if (!/^(token|bearer) \S+/i.test(req.headers.authorization ?? ''))
      return send(401, { message: 'Requires authentication', status: '401' })
    const m = /^\/repos\/([^/]+)\/([^/]+)\/(deployments|commits)(?:\/([^/]+))?(?:\/(statuses))?$/.exec(url.pathname)
    if (!m) return send(404, { message: 'Not Found', status: '404' })
    const [, , , kind, id, sub] = m
    if (kind === 'commits' && id && req.method === 'GET') {
      const ref = decodeURIComponent(id)
      const date = api.commits.get(ref)
      if (!date) return send(422, { message: `No commit found for SHA: ${ref}`, status: '422' })
      return send(200, { sha: ref, commit: { author: { date }, committer: { date } } })
    }
    if (kind !== 'deployments') return send(404, { message: 'Not Found', status: '404' })
    if (!id && req.method === 'POST') {
      if (typeof body?.ref !== 'string') return send(422, { message: 'Invalid request.\n\n"ref" wasn\'t supplied.' })
      const d: FakeDeployment = {
        id: nextId++,
        ref: body.ref,
        sha: body.ref,
        environment: typeof body.environment === 'string' ? body.environment : 'production',
        payload: body.payload ?? {},
        description: typeof body.description === 'string' ? body.description : null,
        production_environment: body.production_environment === true,
        created_at: iso(),
        statuses: [],
      }
      api.deployments.push(d)
      return send(201, view(d))
    }
    if (!id && req.method === 'GET') {
      const env = url.searchParams.get('environment')
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      const list = api.deployments.filter((d) => !env || d.environment === env).reverse()
      return send(200, list.slice((page - 1) * perPage, page * perPage).map(view))
    }
    const d = api.deployments.find((x) => String(x.id) === id)
    if (!d || sub !== 'statuses') return send(404, { message: 'Not Found', status: '404' })
    if (req.method === 'POST') {
      const state = String(body?.state)
      if (!['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'].includes(state))
        return send(422, { message: 'Validation Failed', errors: [{ field: 'state', code: 'invalid' }] })
      const s = {
        id: nextId++,
        state,
        created_at: iso(),
        ...(typeof body?.environment_url === 'string' ? { environment_url: body.environment_url } : {}),
        ...(typeof body?.log_url === 'string' ? { log_url: body.log_url } : {}),
        ...(typeof body?.description === 'string' ? { description: body.description } : {}),
      }
      d.statuses.push(s)
      // GitHub's auto_inactive (default true): a success adds an inactive status to the same
      // environment's earlier deployments whose state was success.
      if (state === 'success' && body?.auto_inactive !== false) {
        for (const other of api.deployments) {
          const last = other.statuses.at(-1)
          if (other !== d && other.environment === d.environment && last?.state === 'success')
            other.statuses.push({ id: nextId++, state: 'inactive', created_at: iso() })
        }
      }
      return send(201, s)
    }
    return send(200, [...d.statuses].reverse())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  api.stop = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return api
}

function view(d: FakeDeployment) {
  const { statuses: _, ...rest } = d
  return { ...rest, task: 'deploy', transient_environment: false }
}
