// The scheduled release-window example (workflows-examples/release-window.yml), its window job
// rehearsed as the runner runs it, at the two UTC firings of ordinary Sundays and of both 2026 DST
// Sundays in Europe/Berlin. `date` is pinned to each instant by a shim ahead on PATH (the zone
// arithmetic stays the real date's, with the system's tzdata). Exactly one firing a Sunday
// releases, also when 02:00-03:00 happens twice (October) or not at all (March).
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type RehearsalOptions, rehearseJob, removeDir, tempDir } from '@deploy-actions/testbed'

let workspace: string
let shim: string
beforeAll(() => {
  workspace = tempDir('release-window')
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: workspace })
  git('init', '-q')
  git('commit', '-q', '--allow-empty', '-m', 'one')
  git('tag', 'v1.9.0')
  git('tag', 'v1.10.0')
  shim = join(workspace, '.shim')
  mkdirSync(shim)
  // `date` at FAKE_NOW unless the caller gives -d itself.
  writeFileSync(
    join(shim, 'date'),
    '#!/bin/bash\nfor a in "$@"; do case "$a" in -d|-d*) exec /bin/date "$@";; esac; done\nexec /bin/date -d "$FAKE_NOW" "$@"\n',
  )
  chmodSync(join(shim, 'date'), 0o755)
})
afterAll(() => {
  if (workspace) removeDir(workspace)
})

const at = (instant: string): RehearsalOptions => ({
  workflow: 'workflows-examples/release-window.yml',
  job: 'window',
  workspace,
  github: { event_name: 'schedule', actor: 'scheduler' },
  env: { PATH: `${shim}:${process.env.PATH}`, HOME: process.env.HOME, FAKE_NOW: instant },
  standIns: { 'actions/checkout': () => ({}) },
})

test.each([
  // ordinary winter Sunday (CET): 00:00 UTC is 01:00, 01:00 UTC is 02:00
  ['2026-03-22T00:05Z', 'false', /outside Sunday 02:00-04:00/],
  ['2026-03-22T01:05Z', 'true', /Inside the deployment window \(Sun 2026-03-22 02:05 CET\)/],
  // spring forward: 02:00 never comes; 01:00 UTC is 03:00 CEST, still inside, and the only release
  ['2026-03-29T00:05Z', 'false', /outside/],
  ['2026-03-29T01:05Z', 'true', /Inside the deployment window \(Sun 2026-03-29 03:05 CEST\)/],
  // first Sunday of April (CEST): 00:00 UTC is 02:00 and releases; 01:00 UTC leaves it to that run
  ['2026-04-05T00:05Z', 'true', /Inside the deployment window \(Sun 2026-04-05 02:05 CEST\)/],
  ['2026-04-05T01:05Z', 'false', /the firing an hour earlier was inside the window/],
  // fall back: 02:05 CEST, then 02:05 CET again: one release
  ['2026-10-25T00:05Z', 'true', /Sun 2026-10-25 02:05 CEST/],
  ['2026-10-25T01:05Z', 'false', /the firing an hour earlier/],
  // a Tuesday
  ['2026-03-24T01:05Z', 'false', /it is Tue 2026-03-24 02:05 CET/],
])('%s: open %s', async (instant, open, says) => {
  const job = await rehearseJob(at(instant))
  expect(job.result).toBe('success')
  expect(job.outputs.open).toBe(open)
  expect(job.summary).toMatch(says)
  expect(job.outputs.tag).toBe(open === 'true' ? 'v1.10.0' : '')
})
