// Reaching the database before a command runs, and letting go after: credentials from Secrets
// Manager fill what the inputs left empty (masked first), and with `via: kubernetes` a tunnel
// through the cluster carries the connection (a proxy pod started, waited for, forwarded to, and
// removed whatever happens; its name saved for the post step in case this process is killed).
// A tunnel that drops mid-migration is reported as such: the migration in flight was rolled back
// by PostgreSQL, and a re-run applies it.
import type { ConnectionSettings } from '@deploy-actions/flyway'
import { ConfigurationError, DeployError, type Logger } from '@deploy-actions/kit'
import { fillConnection, parseSecretValue, secretMaskParts } from './credentials.ts'
import type { ReachInputs } from './reach-inputs.ts'
import type { MigrateReport } from './report.ts'
import type { SecretsPort } from './secrets-port.ts'

/** What reaching the database needs of the parsed inputs. */
export interface ReachableInputs {
  connection: ConnectionSettings
  reach: ReachInputs
  initSql?: string
}

/** What the command runs with: the connection that reaches the database, and the session's init SQL. */
export interface Reached {
  connection: ConnectionSettings
  initSql?: string
}

/**
 * Through a tunnel, a dropped connection must stop the migration on the server too: PostgreSQL
 * notices a lost client only when it next reads or writes, so a migration sent whole would run
 * on and commit. From PostgreSQL 14, `client_connection_check_interval` makes it check during a
 * long statement and roll back within a second (older servers ignore this).
 */
export const TUNNEL_SESSION_SQL =
  "DO $$ BEGIN IF current_setting('server_version_num')::int >= 140000 THEN PERFORM set_config('client_connection_check_interval', '1000', false); END IF; END $$"

export const TUNNEL_POD_STATE = 'tunnel-pod'
export const TUNNEL_REMOVED_STATE = 'tunnel-removed'
/** After a cancellation, how long the engine gets to stop on its own before the tunnel is cut. */
const CANCEL_GRACE_MS = 3000

export interface ReachDeps {
  log: Logger
  env: NodeJS.ProcessEnv
  onSecret: (secret: string) => void
  saveState: (name: string, value: string) => void
  signal?: AbortSignal
  secrets?: (region: string) => Promise<SecretsPort>
  /** Ready timeout of the proxy pod (default 2 min). */
  readyTimeoutMs?: number
}

/** Applies the secret, if any, to the connection (masking every part first). */
export async function resolveCredentials(
  inputs: ReachableInputs,
  deps: ReachDeps,
  report: MigrateReport,
): Promise<ConnectionSettings> {
  const secret = inputs.reach.secret
  if (!secret) return inputs.connection
  const port = await (deps.secrets ?? (await import('./secrets-port.ts')).secretsManagerPort)(secret.region)
  const text = await port.secretString(secret.id)
  const parsed = parseSecretValue(text)
  for (const part of secretMaskParts(text, parsed)) deps.onSecret(part)
  const c = inputs.connection
  const connection = fillConnection(c, parsed, {
    password: Boolean(c.password),
    user: Boolean(c.user),
    url: Boolean(c.host),
  })
  if (!c.host) report.displayUrl = `postgres://${connection.host}:${connection.port}/${connection.database}`
  const filled = [
    !c.password && parsed.password !== undefined ? 'password' : '',
    !c.user && parsed.username ? 'user' : '',
    !c.host && parsed.host ? 'host, port and database' : '',
  ].filter(Boolean)
  deps.log.info(
    `credentials from Secrets Manager secret ${secret.id}: ${filled.length ? filled.join(', ') : 'nothing the inputs had not already given'}`,
  )
  return connection
}

/** Runs `fn` with a connection that reaches the database, directly or through the tunnel. */
export async function withDatabase<T>(
  inputs: ReachableInputs,
  deps: ReachDeps,
  report: MigrateReport,
  fn: (reached: Reached) => Promise<T>,
): Promise<T> {
  const connection = await resolveCredentials(inputs, deps, report)
  const tunnelInputs = inputs.reach.tunnel
  if (inputs.reach.via !== 'kubernetes' || !tunnelInputs)
    return fn({ connection, ...(inputs.initSql ? { initSql: inputs.initSql } : {}) })
  if (connection.sslmode === 'verify-full')
    throw new ConfigurationError(
      'url',
      'sslmode verify-ca or require with via: kubernetes (verify-full checks the host name, and through the tunnel the driver connects to 127.0.0.1)',
      'sslmode=verify-full',
    )
  deps.signal?.throwIfAborted()

  const kube = await import('@deploy-actions/kube')
  const { kubeConfig, source } = await kube.connectKube(tunnelInputs.access, {
    env: deps.env,
    onSecret: deps.onSecret,
    ...(deps.env.AWS_REGION || deps.env.AWS_DEFAULT_REGION
      ? { region: (deps.env.AWS_REGION || deps.env.AWS_DEFAULT_REGION)! }
      : {}),
  })
  const objects = await kube.createObjectsApi(kubeConfig)
  deps.log.info(`tunnel through the Kubernetes API of ${source}`)
  const target = { host: connection.host, port: connection.port }
  const plan: import('@deploy-actions/kube').TunnelPlan =
    tunnelInputs.kind === 'existing-pod'
      ? { kind: 'existing-pod', pod: tunnelInputs.pod }
      : {
          kind: 'proxy-pod',
          namespace: tunnelInputs.namespace,
          image: tunnelInputs.image,
          overrides: tunnelInputs.overrides,
          target,
        }
  const tunnel = await kube.openTunnel(plan, {
    kubeConfig,
    objects,
    owner: 'flyway-migrate',
    run: kube.runIdentity(deps.env),
    log: deps.log,
    ...(deps.readyTimeoutMs ? { readyTimeoutMs: deps.readyTimeoutMs } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    onCreated: (pod) => deps.saveState(TUNNEL_POD_STATE, `${pod.namespace}/${pod.pod}`),
  })
  const via = `pod ${tunnel.pod.namespace}/${tunnel.pod.pod}:${tunnel.pod.port}`
  report.notes.push(`reached ${target.host}:${target.port} through ${via} (port-forward through the Kubernetes API)`)
  // A cancelled job: give the engine a moment to stop by itself, then cut the connection so
  // PostgreSQL rolls back whatever is in flight and the pod can be removed before SIGTERM.
  let cut: NodeJS.Timeout | undefined
  const onAbort = () => {
    cut = setTimeout(() => void tunnel.forward.close(), CANCEL_GRACE_MS)
  }
  deps.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const initSql = inputs.initSql ? `${TUNNEL_SESSION_SQL};\n${inputs.initSql}` : TUNNEL_SESSION_SQL
    return await fn({ connection: { ...connection, host: tunnel.host, port: tunnel.port }, initSql })
  } catch (error) {
    throw explainTunnelFailure(error, tunnel.forward.errors, via, `${target.host}:${target.port}`, report) ?? error
  } finally {
    deps.signal?.removeEventListener('abort', onAbort)
    if (cut) clearTimeout(cut)
    const closed = await tunnel.close()
    if (tunnel.created && closed.removed) deps.saveState(TUNNEL_REMOVED_STATE, 'true')
  }
}

/**
 * A failure the tunnel caused, said so (undefined for any other failure): the database never
 * reached through it, or the connection broken while a migration was in flight.
 */
export function explainTunnelFailure(
  error: unknown,
  tunnelErrors: string[],
  via: string,
  target: string,
  report: Pick<MigrateReport, 'failure' | 'applied' | 'database'>,
): DeployError | undefined {
  const e = error as { message?: string; sqlState?: string; cause?: { code?: string } } | undefined
  const message = e?.message ?? String(error)
  const broken =
    !e?.sqlState &&
    (/Connection terminated|ECONNRESET|EPIPE|socket hang up|Client has encountered a connection error|not queryable/i.test(
      message,
    ) ||
      tunnelErrors.length > 0)
  if (!broken) return undefined
  const script = report.failure?.file?.split('/').pop()
  const applied = report.applied.length
  const before = applied
    ? `${applied} migration(s) applied before it (up to ${report.applied[applied - 1]!.script})`
    : 'none applied before it'
  const why = tunnelErrors.length ? tunnelErrors[tunnelErrors.length - 1]! : message
  if (!report.database)
    return new DeployError(
      `could not reach ${target} through ${via}: ${why} (can the pod reach it? check the url's host and port, the namespace's NetworkPolicies and the database's security group)`,
      { leftState: 'nothing changed (never connected)', cause: error },
    )
  if (!script)
    return new DeployError(`the tunnel through ${via} dropped: ${why}`, {
      leftState: `${before}; nothing was in flight; a re-run continues`,
      cause: error,
    })
  return new DeployError(`the tunnel through ${via} dropped while ${script} was in flight: ${why}`, {
    leftState: `${script} not applied (PostgreSQL rolls its transaction back when it loses the connection, unless its COMMIT had already run: the history says which); ${before}; a re-run applies it if the history lacks it`,
    cause: error,
  })
}
