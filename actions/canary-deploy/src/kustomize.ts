// `kubectl kustomize DIR` through @actions/exec (kubectl is on every GitHub-hosted runner).
import { DeployError } from '@deploy-actions/kit'

export async function kustomize(dir: string): Promise<string> {
  const { getExecOutput } = await import('@actions/exec')
  let out: { exitCode: number; stdout: string; stderr: string }
  try {
    out = await getExecOutput('kubectl', ['kustomize', dir], { silent: true, ignoreReturnCode: true })
  } catch (error) {
    throw new DeployError(
      `manifests: a kustomization needs kubectl on PATH (${(error as Error).message.split('\n')[0]})`,
      { leftState: 'stable unchanged' },
    )
  }
  if (out.exitCode !== 0)
    throw new DeployError(`kubectl kustomize ${dir} failed: ${out.stderr.trim().split('\n').slice(-3).join(' ')}`, {
      leftState: 'stable unchanged',
    })
  return out.stdout
}
