// The diff program `kubectl diff` runs rather than diffing in-process (kubernetes/kubectl
// pkg/cmd/diff/diff.go: DiffProgram, Directory): each object's two versions written as files of
// the same name into a LIVE and a MERGED folder, then `diff -u -N LIVE MERGED`, or the command in
// KUBECTL_EXTERNAL_DIFF, over the two; exit 0 is no differences, 1 differences, above 1 an error.
// Run through @actions/exec from a temp folder removed afterwards, so the output names the files
// `LIVE/<name>` and `MERGED/<name>` rather than by temp paths.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface DiffCommand {
  program: string
  args: string[]
  /** Words of KUBECTL_EXTERNAL_DIFF left out, as kubectl leaves them out (with a warning). */
  ignored: string[]
}

/**
 * DiffProgram.getCommand: KUBECTL_EXTERNAL_DIFF split at spaces, its first word the program and
 * the rest, letters, digits, `-` and `=` only (anything else ignored), after the two folders;
 * without it `diff -u -N` before them.
 */
export function diffCommand(env: Record<string, string | undefined>, from: string, to: string): DiffCommand {
  const external = env.KUBECTL_EXTERNAL_DIFF
  if (!external) return { program: 'diff', args: ['-u', '-N', from, to], ignored: [] }
  const [program = '', ...words] = external.split(' ')
  const valid = (w: string) => /^[a-zA-Z0-9-=]+$/.test(w)
  return { program, args: [from, to, ...words.filter(valid)], ignored: words.filter((w) => !valid(w)) }
}

export interface DiffFile {
  /** The file name in both folders (kubectl's object name, `apps.v1.Deployment.shop.shop`). */
  name: string
  /** The LIVE and MERGED texts; '' for an absent side (an empty file, which -N diffs as new). */
  live: string
  merged: string
}

/**
 * The diff program's output over the files (empty when it finds no differences), with the
 * timestamps GNU diff puts after each `---`/`+++` name (the temp files' times) and its per-file
 * `diff -u -N LIVE/x MERGED/x` lines dropped. Throws, naming the program, when it cannot run or
 * exits above 1.
 */
export async function runDiffProgram(
  files: readonly DiffFile[],
  env: Record<string, string | undefined>,
): Promise<{ output: string; ignored: string[] }> {
  const root = mkdtempSync(join(tmpdir(), 'deploy-actions-diff-'))
  try {
    mkdirSync(join(root, 'LIVE'))
    mkdirSync(join(root, 'MERGED'))
    for (const f of files) {
      writeFileSync(join(root, 'LIVE', f.name), f.live)
      writeFileSync(join(root, 'MERGED', f.name), f.merged)
    }
    const { program, args, ignored } = diffCommand(env, 'LIVE', 'MERGED')
    const { getExecOutput } = await import('@actions/exec')
    let run: { exitCode: number; stdout: string; stderr: string }
    try {
      run = await getExecOutput(program, args, { cwd: root, silent: true, ignoreReturnCode: true })
    } catch (error) {
      const why = (error as Error).message.split('\n')[0]
      throw new Error(
        env.KUBECTL_EXTERNAL_DIFF
          ? `failed to run "${program}" (KUBECTL_EXTERNAL_DIFF): ${why}`
          : `failed to run "diff": ${why} (the Kubernetes diff needs diff, GNU diffutils, on PATH)`,
      )
    }
    if (run.exitCode > 1) {
      const why = run.stderr.trim().split('\n').slice(-3).join(' ')
      throw new Error(`failed to run "${program}": exit status ${run.exitCode}${why ? `: ${why}` : ''}`)
    }
    const output = run.stdout
      .split('\n')
      .filter((l) => !/^diff .*\bLIVE\/\S+ MERGED\/\S+$/.test(l))
      .map((l) => l.replace(/^((?:---|\+\+\+) (?:LIVE|MERGED)\/\S+)\t.*$/, '$1'))
      .join('\n')
    return { output, ignored }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}
