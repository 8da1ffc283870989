// One style for every action.yml (the root one and each `<short>/action.yml`): keys in the order
// GitHub's metadata documentation lists them (name, description, author, branding, inputs,
// outputs, runs), every string single-quoted on one line (as actions/checkout writes them),
// multi-line strings (a composite step's `run`) as literal blocks, booleans plain, no empty
// defaults. The contract test fails when a file differs from its formatted form;
// `node scripts/action-yml.ts --write` rewrites them.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Document, isScalar, parse, visit } from 'yaml'

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')

/** The action.yml files users reference: `action.yml` (org/deploy-actions@v1) and `<short>/action.yml`. */
export function actionFiles(root = REPO_ROOT): string[] {
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .map((e) => join(root, e.name, 'action.yml'))
    .filter((f) => existsSync(f))
    .sort()
  return [join(root, 'action.yml'), ...folders]
}

type Node = Record<string, unknown>

const TOP = ['name', 'description', 'author', 'branding', 'inputs', 'outputs', 'runs']
const BRANDING = ['icon', 'color']
const INPUT = ['description', 'required', 'default', 'deprecationMessage']
const OUTPUT = ['description', 'value']
const RUNS = ['using', 'pre', 'pre-if', 'main', 'post', 'post-if', 'steps']

/** Copies `node` with the keys in `order` first, the rest after them as they came. */
function ordered(node: Node, order: string[]): Node {
  const out: Node = {}
  for (const key of order) if (key in node) out[key] = node[key]
  for (const [key, value] of Object.entries(node)) if (!(key in out)) out[key] = value
  return out
}

function mapValues(node: unknown, fn: (value: Node) => Node): Node | undefined {
  if (!node || typeof node !== 'object') return node as undefined
  return Object.fromEntries(Object.entries(node as Node).map(([k, v]) => [k, fn(v as Node)]))
}

function trimmed(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value
}

export function formatActionYml(text: string): string {
  const raw = parse(text) as Node
  const input = (i: Node) => {
    const { default: def, ...rest } = ordered(i, INPUT)
    const out: Node = { ...rest, description: trimmed(rest.description) }
    // An empty default is what the runner gives an unset input anyway ('').
    if (def !== undefined && def !== null && String(def) !== '') out.default = String(def)
    return ordered(out, INPUT)
  }
  const output = (o: Node) => ordered({ ...o, description: trimmed(o.description) }, OUTPUT)
  const doc = ordered(
    {
      ...raw,
      description: trimmed(raw.description),
      branding: raw.branding && ordered(raw.branding as Node, BRANDING),
      inputs: mapValues(raw.inputs, input),
      outputs: mapValues(raw.outputs, output),
      runs: raw.runs && ordered(raw.runs as Node, RUNS),
    },
    TOP,
  )
  for (const key of Object.keys(doc)) if (doc[key] === undefined) delete doc[key]
  const yaml = new Document(doc)
  visit(yaml, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string') return
      node.type = node.value.includes('\n') ? 'BLOCK_LITERAL' : 'QUOTE_SINGLE'
    },
    Pair(_key, pair) {
      if (isScalar(pair.key)) pair.key.type = 'PLAIN'
    },
  })
  return yaml.toString({ lineWidth: 0, indentSeq: true })
}

if (import.meta.main) {
  const write = process.argv.includes('--write')
  let differing = 0
  for (const file of actionFiles()) {
    const text = readFileSync(file, 'utf8')
    const formatted = formatActionYml(text)
    if (formatted === text) continue
    differing++
    if (write) writeFileSync(file, formatted)
    console.log(`${write ? 'formatted' : 'differs from the one style'}: ${relative(REPO_ROOT, file)}`)
  }
  if (differing && !write) {
    console.log('run node scripts/action-yml.ts --write')
    process.exit(1)
  }
}
