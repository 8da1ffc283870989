// kubectl, unchanged, as a second reader of a cluster the tests talk to (usually the simulator).
// Asynchronous on purpose: the simulator runs in the test's own process and must keep answering
// while kubectl waits on it, which a synchronous spawn would prevent.
import { spawn } from 'node:child_process'

export interface KubectlResult {
  /** The exit code; null when kubectl was killed (its timeout). */
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs `bin --kubeconfig <kubeconfigPath> ...args` (stdin piped when given, as for `apply -f -`),
 * output trimmed. `ok` throws with kubectl's output unless it exits 0, and gives its stdout.
 */
export function kubectlRunner(bin: string, kubeconfigPath: string, timeoutMs = 60_000) {
  const run = (args: string[], stdin?: string): Promise<KubectlResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, ['--kubeconfig', kubeconfigPath, ...args], { timeout: timeoutMs })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => {
        stdout += d
      })
      child.stderr.on('data', (d) => {
        stderr += d
      })
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() }))
      child.stdin.end(stdin)
    })
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await run(args, stdin)
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`)
    return r.stdout
  }
  return { run, ok }
}
