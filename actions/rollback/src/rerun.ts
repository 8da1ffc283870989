// Safe re-runs. `kubectl rollout undo` twice rolls forward again: re-running a job whose rollback
// went through would bring the bad version back. So each rollback leaves a marker on the
// Deployment naming the job step that wrote it and the revision it produced; a re-run of that step
// (same run id, job and step, any attempt) that finds the Deployment still at that revision writes
// nothing and only reports (and, with `wait`, waits for the rollout again). Pure.

export const ROLLBACK_MARKER = 'deploy-actions.dev/rolled-back-by'

export interface Marker {
  /** `<run id>/<job>/<step>`. */
  step: string
  revision: number
  fromRevision: number | undefined
  restoredRevision: number | undefined
  images: string[]
  previousImages: string[]
}

/** The step identity from the runner's environment; undefined off a runner (no marker then). */
export function stepKey(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_RUN_ID) return undefined
  return `${env.GITHUB_RUN_ID}/${env.GITHUB_JOB ?? ''}/${env.GITHUB_ACTION ?? ''}`
}

type Annotated = { metadata?: { annotations?: Record<string, string> } }

export function markerOf(deployment: Annotated | undefined): Marker | undefined {
  const raw = deployment?.metadata?.annotations?.[ROLLBACK_MARKER]
  if (!raw) return undefined
  try {
    const m = JSON.parse(raw) as Partial<Marker>
    return typeof m.step === 'string' && typeof m.revision === 'number' && Array.isArray(m.images)
      ? ({ previousImages: [], ...m } as Marker)
      : undefined
  } catch {
    return undefined
  }
}

/** The marker this step left, if the Deployment is still at the revision it produced. */
export function earlierRun(
  deployment: Annotated,
  revision: number | undefined,
  step: string | undefined,
): Marker | undefined {
  const m = markerOf(deployment)
  return step && m && m.step === step && m.revision === revision ? m : undefined
}

export function markerPatch(marker: Marker): Record<string, unknown> {
  return { metadata: { annotations: { [ROLLBACK_MARKER]: JSON.stringify(marker) } } }
}
