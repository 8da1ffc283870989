export const id = 707;
export const ids = [707];
export const modules = {

/***/ 8707:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  INVALIDATION_TIMEOUT_MS: () => (/* binding */ INVALIDATION_TIMEOUT_MS),
  THROTTLE_DEADLINE_MS: () => (/* binding */ THROTTLE_DEADLINE_MS),
  newResult: () => (/* binding */ newResult),
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./packages/aws/src/index.ts
var src = __webpack_require__(3765);
// EXTERNAL MODULE: ./packages/kit/src/index.ts + 9 modules
var kit_src = __webpack_require__(2899);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./actions/frontend-sync/src/invalidation.ts
// Which CloudFront paths to invalidate after a sync. Pure: no SDK, no @actions/*.

/**
 * The limits this action keeps to. CloudFront allows 3,000 file paths and 15 wildcard paths in
 * progress per distribution at a time (and bills each path past 1,000 a month): one sync sends
 * at most 300 paths, of which at most 5 wildcards, leaving room for other deploys to the same
 * distribution. Past that it collapses to directory wildcards (`/assets/*`), and past 5 of those
 * to `/*`.
 */
const MAX_PATHS = 300;
const MAX_WILDCARDS = 5;
const EVERYTHING = '/*';
/**
 * CloudFront matches invalidation paths against the URL path as requested, so non-ASCII and
 * RFC 1738 unsafe characters are percent-encoded, and nothing else (encoding more would miss).
 */
function encodePath(path) {
    let out = '';
    for (const ch of path) {
        if (/[\x21-\x7e]/.test(ch) && !/[<>"#%{}|\\^~[\]`]/.test(ch))
            out += ch;
        else
            for (const b of Buffer.from(ch, 'utf8'))
                out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return out;
}
/**
 * The paths of changed and deleted object keys, sorted. An `index.html` is also served as its
 * directory (`docs/page3/index.html` → `/docs/page3/`, the root one → `/`), so both are sent.
 */
function pathsForKeys(keys) {
    const paths = new Set();
    for (const key of keys) {
        const path = `/${encodePath(key)}`;
        paths.add(path);
        if (external_node_path_.posix.basename(key) === 'index.html')
            paths.add(path.slice(0, -'index.html'.length));
    }
    return [...paths].sort();
}
/** The directories (`/a/`, `/a/b/`) strictly above a path; `/a/b/` itself is above nothing below it. */
function directoriesAbove(path) {
    const dirs = [];
    for (let i = path.indexOf('/', 1); i !== -1 && i < path.length - 1; i = path.indexOf('/', i + 1)) {
        dirs.push(path.slice(0, i + 1));
    }
    return dirs;
}
function covers(dir, path) {
    return path.startsWith(dir) && path !== dir;
}
/**
 * Fits a path set within the limits: unchanged when small enough; else, greedily, the directory
 * wildcard that replaces the most paths (the deepest such directory on a tie) until the set fits;
 * `/*` when more than `maxWildcards` would be needed.
 */
function collapsePaths(paths, limits = {}) {
    const maxPaths = limits.maxPaths ?? MAX_PATHS;
    const maxWildcards = limits.maxWildcards ?? MAX_WILDCARDS;
    if (paths.includes(EVERYTHING))
        return [EVERYTHING];
    let rest = [...new Set(paths)];
    let wildcards = [];
    while (rest.length + wildcards.length > maxPaths) {
        const counts = new Map();
        for (const p of rest)
            for (const d of directoriesAbove(p))
                counts.set(d, (counts.get(d) ?? 0) + 1);
        let best;
        let bestCount = 1;
        for (const [dir, count] of counts) {
            if (count > bestCount || (count === bestCount && best !== undefined && dir.length > best.length)) {
                best = dir;
                bestCount = count;
            }
        }
        if (best === undefined)
            return [EVERYTHING];
        const dir = best;
        wildcards = wildcards.filter((w) => !covers(dir, w.slice(0, -1)));
        wildcards.push(`${dir}*`);
        if (wildcards.length > maxWildcards)
            return [EVERYTHING];
        rest = rest.filter((p) => !covers(dir, p));
    }
    return [...wildcards, ...rest].sort();
}
/**
 * The invalidation for a sync. `changed`: the paths of replaced and deleted objects (new ones
 * were not cached), collapsed to fit. `all`: `/*` when anything was uploaded or deleted.
 * Nothing changed means nothing to invalidate in either mode.
 */
function planInvalidation(mode, change, limits) {
    if (mode === 'none' || !change.anyChange)
        return [];
    if (mode === 'all')
        return [EVERYTHING];
    return collapsePaths(pathsForKeys(change.replacedOrDeleted), limits);
}

// EXTERNAL MODULE: ./actions/frontend-sync/src/plan.ts + 1 modules
var src_plan = __webpack_require__(3964);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./actions/frontend-sync/src/walk.ts
// Reads the site from disk: every file under `source` (symlinked files followed, symlinked
// directories not, so a link cannot loop), hashed with MD5 (to compare with S3 ETags) and SHA-256.





async function listFiles(root) {
    const out = [];
    const visit = async (dir) => {
        const entries = await (0,promises_.readdir)(dir, { withFileTypes: true });
        for (const e of entries) {
            const full = (0,external_node_path_.join)(dir, e.name);
            if (e.isDirectory())
                await visit(full);
            else if (e.isFile())
                out.push(full);
            else if (e.isSymbolicLink()) {
                const target = await (0,promises_.stat)(full).catch(() => undefined);
                if (target?.isFile())
                    out.push(full);
            }
        }
    };
    await visit(root);
    return out.sort();
}
/** Files up to this size are read in one call; larger ones are streamed. */
const READ_WHOLE_MAX = 8 * 1024 * 1024;
async function hashFile(file) {
    const md5 = (0,external_node_crypto_.createHash)('md5');
    const sha256 = (0,external_node_crypto_.createHash)('sha256');
    const { size } = await (0,promises_.stat)(file);
    if (size <= READ_WHOLE_MAX) {
        const body = await (0,promises_.readFile)(file);
        md5.update(body);
        sha256.update(body);
        return { size: body.length, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
    }
    let read = 0;
    for await (const chunk of (0,external_node_fs_.createReadStream)(file, { highWaterMark: 1 << 20 })) {
        md5.update(chunk);
        sha256.update(chunk);
        read += chunk.length;
    }
    return { size: read, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}
/** The files under `root` that `skip(path)` does not exclude, sorted. */
async function listSource(root, skip = () => false) {
    return (await listFiles(root))
        .map((file) => ({ file, path: (0,external_node_path_.relative)(root, file).split(external_node_path_.sep).join('/') }))
        .filter(({ path }) => !skip(path));
}
function hashEntries(entries, concurrency = 8) {
    return (0,kit_src/* mapLimit */.sf)(entries, concurrency, async ({ file, path }) => ({ path, file, ...(await hashFile(file)) }));
}
/** Walks and hashes `root`; `skip(path)` drops excluded paths before they are read. */
async function walkSource(root, skip, concurrency = 8) {
    return hashEntries(await listSource(root, skip), concurrency);
}

;// CONCATENATED MODULE: ./actions/frontend-sync/src/main.ts
// The sync: walk and hash `source`, list the bucket, plan, upload assets, then entry points,
// then delete, then invalidate. Clients, clock and logger are injected.







/** How long to wait for `Completed` (CloudFront usually takes one to five minutes). */
const INVALIDATION_TIMEOUT_MS = 20 * 60_000;
/** How long to keep retrying CreateInvalidation while the distribution has too many in progress. */
const THROTTLE_DEADLINE_MS = 10 * 60_000;
function newResult(dryRun = false) {
    return { dryRun, uploaded: 0, bytesUploaded: 0, deleted: 0, unchanged: 0, paths: [] };
}
function where(inputs) {
    return `s3://${inputs.bucket}/${inputs.prefix}`;
}
function refusal(inputs, what) {
    return new kit_src/* ConfigurationError */.j1('source', `"${inputs.source}" ${what}; with delete: true this would delete every object under ${where(inputs)}, so frontend-sync refuses to run. Build the site into it first, or set delete: false`);
}
async function checkSource(inputs) {
    const st = await (0,promises_.stat)(inputs.source).catch(() => undefined);
    if (st?.isDirectory())
        return;
    if (inputs.delete)
        throw refusal(inputs, st ? 'is not a directory' : 'does not exist');
    throw new kit_src/* ConfigurationError */.j1('source', 'an existing directory', inputs.source);
}
function bucketError(inputs, error) {
    const name = (0,src/* awsErrorName */.ZH)(error) ?? 'Error';
    const detail = error instanceof Error ? error.message : String(error);
    const text = name === 'NoSuchBucket'
        ? `bucket "${inputs.bucket}" does not exist (NoSuchBucket)`
        : `cannot list bucket "${inputs.bucket}" under "${inputs.prefix}": ${name}: ${detail}`;
    return new kit_src/* DeployError */.sH(text, { leftState: 'nothing uploaded or deleted', cause: error });
}
function describeUpload(u) {
    return `${u.reason === 'new' ? 'new    ' : 'changed'} ${u.key} (${(0,kit_src/* formatBytes */.z3)(u.size)}, ${u.contentType}, ${u.cacheControl})`;
}
async function run(inputs, deps, result = newResult(inputs.dryRun)) {
    const { log, s3 } = deps;
    result.dryRun = inputs.dryRun;
    await checkSource(inputs);
    const entries = await listSource(inputs.source, (path) => (0,src_plan/* isExcluded */.RF)(path, inputs.exclude));
    if (entries.length === 0 && inputs.delete) {
        throw refusal(inputs, inputs.exclude.length ? 'has no files left after exclude' : 'has no files');
    }
    // Hashing (disk, CPU) and listing (network) overlap; the listing is awaited in the next step.
    const listing = s3.list(inputs.bucket, inputs.prefix).then((objects) => ({ objects }), (error) => ({ error }));
    const local = await log.group(`Read ${inputs.source}`, async () => {
        const files = await hashEntries(entries);
        log.info(`${files.length} files, ${(0,kit_src/* formatBytes */.z3)(files.reduce((s, f) => s + f.size, 0))}, hashed`);
        return files;
    });
    const plan = await log.group(`Compare with ${where(inputs)}`, async () => {
        const listed = await listing;
        if ('error' in listed)
            throw bucketError(inputs, listed.error);
        const remote = listed.objects;
        const options = {
            prefix: inputs.prefix,
            delete: inputs.delete,
            exclude: inputs.exclude,
            cacheRules: inputs.cacheRules,
            typeOverrides: inputs.typeOverrides,
        };
        let p = (0,src_plan/* buildPlan */.Gg)(local, remote, options);
        log.info(`${remote.length} objects listed`);
        if (p.toHead.length > 0) {
            // Multipart or non-MD5 ETags (SSE-KMS): the stored SHA-256 settles them.
            const heads = new Map();
            await (0,kit_src/* mapLimit */.sf)(p.toHead, inputs.concurrency, async (key) => {
                try {
                    heads.set(key, await s3.head(inputs.bucket, key));
                }
                catch (error) {
                    // Gone since the listing: nothing to compare with, so it is uploaded.
                    if (['NotFound', 'NoSuchKey'].includes((0,src/* awsErrorName */.ZH)(error) ?? ''))
                        heads.set(key, {});
                    else {
                        throw new kit_src/* DeployError */.sH(`cannot read s3://${inputs.bucket}/${key} (HeadObject): ${(0,src/* awsErrorName */.ZH)(error) ?? String(error)}`, {
                            leftState: 'nothing uploaded or deleted',
                            cause: error,
                        });
                    }
                }
            });
            log.info(`${heads.size} objects checked with HeadObject (ETag is not a plain MD5)`);
            p = (0,src_plan/* buildPlan */.Gg)(local, remote, options, heads);
        }
        log.info(`plan: ${p.uploads.length} to upload (${(0,kit_src/* formatBytes */.z3)((0,src_plan/* bytesOf */.$$)(p.uploads))}), ${p.unchanged.length} unchanged, ` +
            `${p.deletes.length} to delete${inputs.delete ? '' : ' (delete: false)'}`);
        return p;
    });
    result.plan = plan;
    result.unchanged = plan.unchanged.length;
    const replaced = plan.uploads.filter((u) => u.reason === 'changed').map((u) => u.key);
    const paths = inputs.distributionId
        ? planInvalidation(inputs.invalidate, {
            replacedOrDeleted: [...replaced, ...plan.deletes.map((d) => d.key)],
            anyChange: plan.uploads.length > 0 || plan.deletes.length > 0,
        })
        : [];
    if (!inputs.distributionId)
        result.invalidationNote = 'no distribution-id';
    else if (inputs.invalidate === 'none')
        result.invalidationNote = 'invalidate: none';
    else if (paths.length === 0) {
        result.invalidationNote =
            plan.uploads.length > 0 ? 'only new files: none of them can be cached yet' : 'nothing changed';
    }
    if (inputs.dryRun) {
        await log.group('Dry run: the plan (nothing is written)', async () => {
            for (const u of plan.uploads)
                log.info(`upload ${u.phase === 1 ? '(asset)' : '(entry)'} ${describeUpload(u)}`);
            for (const d of plan.deletes)
                log.info(`delete ${d.key} (${(0,kit_src/* formatBytes */.z3)(d.size)})`);
            for (const p of paths)
                log.info(`invalidate ${p}`);
            if (plan.uploads.length + plan.deletes.length === 0)
                log.info('nothing to do: the bucket already matches');
        });
        result.uploaded = plan.uploads.length;
        result.bytesUploaded = (0,src_plan/* bytesOf */.$$)(plan.uploads);
        result.deleted = plan.deletes.length;
        result.paths = paths;
        if (paths.length)
            result.invalidationStatus = 'planned';
        return result;
    }
    const phases = [
        { title: 'Upload assets', items: plan.uploads.filter((u) => u.phase === 1) },
        { title: 'Upload HTML, service workers and manifests', items: plan.uploads.filter((u) => u.phase === 2) },
    ];
    for (const [i, phase] of phases.entries()) {
        if (phase.items.length === 0)
            continue;
        await log.group(`${phase.title} (${phase.items.length})`, async () => {
            // After the first failure no new upload starts; the ones in flight finish before we report.
            let failure;
            let done = 0;
            // A line at least every 20 s even while one large file is still going up.
            const progress = (0,kit_src/* progressReporter */.xZ)(`${phase.title.toLowerCase()}`, (line) => log.info(line), deps.clock);
            const ticker = setInterval(() => progress.tick(`${done} of ${phase.items.length} done`), 5000);
            try {
                await (0,kit_src/* mapLimit */.sf)(phase.items, inputs.concurrency, async (u) => {
                    if (failure)
                        return;
                    try {
                        await s3.upload(inputs.bucket, u);
                        done++;
                        result.uploaded++;
                        result.bytesUploaded += u.size;
                        log.info(describeUpload(u));
                    }
                    catch (error) {
                        failure ??= { error };
                    }
                });
            }
            finally {
                clearInterval(ticker);
            }
            if (failure) {
                const { error } = failure;
                const left = i === 0
                    ? `${done} of ${phase.items.length} assets uploaded; no HTML, service worker or manifest replaced and nothing deleted, so the live site still works; re-run to finish`
                    : `all ${phases[0].items.length} assets and ${done} of ${phase.items.length} entry points uploaded, nothing deleted; re-run to finish`;
                throw new kit_src/* DeployError */.sH(`upload to ${where(inputs)} failed: ${error instanceof Error ? error.message : String(error)}`, {
                    leftState: left,
                    cause: error,
                });
            }
        });
    }
    if (plan.deletes.length > 0) {
        await log.group(`Delete stale objects (${plan.deletes.length})`, async () => {
            let failed;
            try {
                failed = await s3.deleteKeys(inputs.bucket, plan.deletes.map((d) => d.key));
            }
            catch (error) {
                failed = [{ key: '*', error: error instanceof Error ? error.message : String(error) }];
            }
            const failedKeys = new Set(failed.map((f) => f.key));
            for (const d of plan.deletes)
                if (!failedKeys.has(d.key))
                    log.info(`deleted ${d.key}`);
            result.deleted = failedKeys.has('*') ? 0 : plan.deletes.length - failed.length;
            if (failed.length > 0) {
                throw new kit_src/* DeployError */.sH(`could not delete ${failed.length} stale objects: ${failed
                    .slice(0, 3)
                    .map((f) => `${f.key} (${f.error})`)
                    .join(', ')}`, {
                    leftState: `every file uploaded; ${result.deleted} of ${plan.deletes.length} stale objects deleted; no invalidation sent`,
                });
            }
        });
    }
    if (paths.length > 0 && inputs.distributionId) {
        const distributionId = inputs.distributionId;
        const cloudfront = deps.cloudfront;
        if (!cloudfront)
            throw new Error('no CloudFront client was given for the invalidation');
        result.paths = paths;
        await log.group(`Invalidate ${paths.length} paths on ${distributionId}`, async () => {
            for (const p of paths.slice(0, 50))
                log.info(p);
            if (paths.length > 50)
                log.info(`… and ${paths.length - 50} more`);
            const env = deps.env ?? process.env;
            const reference = deps.callerReference?.() ??
                `frontend-sync-${env.GITHUB_RUN_ID ?? 'local'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${(0,external_node_crypto_.randomUUID)()}`;
            const left = `site fully synced; CloudFront may serve cached copies of ${paths.length} paths until they expire`;
            try {
                // The same CallerReference on every retry: CloudFront treats a repeat as the same request.
                result.invalidationId = await (0,kit_src/* retry */.L5)(() => cloudfront.createInvalidation(distributionId, paths, reference), {
                    attempts: 12,
                    baseDelayMs: 5000,
                    maxDelayMs: 60_000,
                    deadline: deps.clock.now() + THROTTLE_DEADLINE_MS,
                    clock: deps.clock,
                    retryable: (e) => (0,src/* awsErrorName */.ZH)(e) === 'TooManyInvalidationsInProgress',
                    onRetry: ({ delayMs }) => log.info(`too many invalidations in progress on ${distributionId}; retrying in ${Math.round(delayMs / 1000)}s`),
                });
            }
            catch (error) {
                throw new kit_src/* DeployError */.sH(`CloudFront invalidation failed: ${(0,src/* awsErrorName */.ZH)(error) ?? ''} ${error instanceof Error ? error.message : ''}`.trim(), {
                    leftState: left,
                    cause: error,
                });
            }
            result.invalidationStatus = 'created';
            log.info(`invalidation ${result.invalidationId} created`);
            if (!inputs.waitForInvalidation)
                return;
            try {
                await cloudfront.waitCompleted(distributionId, result.invalidationId, INVALIDATION_TIMEOUT_MS, (line) => log.info(line));
            }
            catch (error) {
                throw new kit_src/* DeployError */.sH(`invalidation ${result.invalidationId} did not complete: ${error instanceof Error ? error.message : String(error)}`, {
                    leftState: `${left}; invalidation ${result.invalidationId} is still in progress`,
                    cause: error,
                });
            }
            result.invalidationStatus = 'completed';
            log.info(`invalidation ${result.invalidationId} completed`);
        });
    }
    if (plan.uploads.length + plan.deletes.length === 0)
        log.info(`nothing to do: ${where(inputs)} already matches ${inputs.source}`);
    return result;
}


/***/ }),

/***/ 3964:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  yn: () => (/* binding */ SHA256_METADATA),
  Gg: () => (/* binding */ buildPlan),
  $$: () => (/* binding */ bytesOf),
  RF: () => (/* binding */ isExcluded),
  nQ: () => (/* binding */ largest)
});

// UNUSED EXPORTS: compare, isMultipartEtag, normalizeEtag, normalizePrefix

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/mime-types/index.js
var mime_types = __webpack_require__(4096);
// EXTERNAL MODULE: ./node_modules/minimatch/dist/esm/index.js + 7 modules
var esm = __webpack_require__(3581);
;// CONCATENATED MODULE: ./actions/frontend-sync/src/rules.ts
// Per-file headers: Cache-Control by glob rules with defaults, Content-Type from mime-types
// with overrides, and which files are "entry points" that must go live after their assets.
// Pure: no SDK, no @actions/*.




/** Fingerprinted assets never change under their name: cache them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Entry points (HTML, service workers, manifests): the browser revalidates every time. */
const NO_CACHE = 'no-cache';
/**
 * Everything else (favicon.ico, robots.txt, images referenced by a fixed name): five minutes,
 * so a changed file reaches browsers soon after its invalidation while repeat views stay cached.
 */
const DEFAULT_CACHE = 'public, max-age=300';
/** Files the site's pages or workers load under a fixed name: uploaded after every asset. */
const SERVICE_WORKERS = new Set(['sw.js', 'service-worker.js', 'ngsw-worker.js', 'firebase-messaging-sw.js']);
const MANIFESTS = new Set(['manifest.json', 'asset-manifest.json', 'ngsw.json', 'site.webmanifest']);
/** Globs matched against the path relative to `source` (`*.html` matches at any depth). */
const GLOB_OPTIONS = { dot: true, matchBase: true };
function matchesGlob(path, glob) {
    return (0,esm/* minimatch */.xF)(path, glob, GLOB_OPTIONS);
}
function fileKind(path) {
    const base = external_node_path_.posix.basename(path).toLowerCase();
    if (base.endsWith('.html') || base.endsWith('.htm'))
        return 'html';
    if (SERVICE_WORKERS.has(base))
        return 'service-worker';
    if (MANIFESTS.has(base) || base.endsWith('.webmanifest'))
        return 'manifest';
    return 'asset';
}
/** HTML, service workers and manifests go live last, once every asset they reference is there. */
function isEntryPoint(path) {
    return fileKind(path) !== 'asset';
}
/** True when a path's last name part is a build content hash; the test in `isFingerprinted`. */
function isHashToken(token, separator) {
    const digit = /\d/.test(token);
    // webpack/CRA/Next `main.3f2a9c1b.js`, `index-5b4a6d3c2e1f0a9b.js`: 8 to 64 lower-case hex.
    if (/^[0-9a-f]{8,64}$/.test(token))
        return digit;
    // esbuild/Angular `chunk-AB12CD34.js`, `styles-5INURTSO.css`: 8 upper-case base32 characters.
    if (/^[A-Z0-9]{8}$/.test(token))
        return digit && /[A-Z]/.test(token);
    // Vite/Rollup `index-BXk3Qp9a.js`: 8 base64url characters mixing digits, upper and lower case
    // (a word plus a number such as `Medium12` does not count).
    if (separator === '-' && /^[A-Za-z0-9_-]{8}$/.test(token)) {
        return digit && /[A-Z]/.test(token) && /[a-z]/.test(token) && !/^[A-Z]?[a-z]+\d+$/.test(token);
    }
    return false;
}
/**
 * A fingerprinted name carries a content hash, so its content never changes under that name:
 * `main.3f2a9c1b.js`, `chunk-AB12CD34.js`, `index-BXk3Qp9a.js`, their `.map`, `.gz` and `.br`
 * companions, and everything under Next.js's `_next/static/`.
 */
function isFingerprinted(path) {
    if (/(^|\/)_next\/static\//.test(path))
        return true;
    let stem = external_node_path_.posix.basename(path);
    stem = stem.replace(/\.(map|gz|br)$/i, '');
    stem = stem.replace(/\.[^.]+$/, ''); // the extension
    stem = stem.replace(/\.(min|chunk|bundle)$/i, '');
    const vite = /-([A-Za-z0-9_-]{8})$/.exec(stem);
    if (vite && isHashToken(vite[1], '-'))
        return true;
    const m = /[.\-_]([0-9A-Za-z]{8,64})$/.exec(stem);
    return m !== null && isHashToken(m[1], m[0][0]);
}
/** Which rule gave a file its Cache-Control: the first matching user rule, else a default. */
function cacheControlFor(path, rules) {
    for (const rule of rules)
        if (matchesGlob(path, rule.glob))
            return { value: rule.value, source: rule.glob };
    if (isEntryPoint(path))
        return { value: NO_CACHE, source: `default (${fileKind(path)})` };
    if (isFingerprinted(path))
        return { value: IMMUTABLE, source: 'default (fingerprinted)' };
    return { value: DEFAULT_CACHE, source: 'default' };
}
/**
 * Types pinned here rather than left to mime-db, because browsers refuse or mis-handle these
 * files when they are served wrong (WebAssembly streaming compilation needs application/wasm,
 * module scripts need a JavaScript type).
 */
const PINNED_TYPES = {
    wasm: 'application/wasm',
    mjs: 'text/javascript; charset=utf-8',
    js: 'text/javascript; charset=utf-8',
    webmanifest: 'application/manifest+json; charset=utf-8',
    map: 'application/json; charset=utf-8',
};
const FALLBACK_TYPE = 'application/octet-stream';
function overrideMatches(path, pattern) {
    if (/^\.[^/*?[\]{}]+$/.test(pattern))
        return path.toLowerCase().endsWith(pattern.toLowerCase());
    return matchesGlob(path, pattern);
}
/** Content-Type: an override from `content-types`, else the pinned types, else mime-types. */
function contentTypeFor(path, overrides = []) {
    for (const o of overrides)
        if (overrideMatches(path, o.pattern))
            return o.type;
    const base = external_node_path_.posix.basename(path).toLowerCase();
    const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
    const pinned = PINNED_TYPES[ext];
    if (pinned)
        return pinned;
    return (ext && mime_types.contentType(ext)) || FALLBACK_TYPE;
}

;// CONCATENATED MODULE: ./actions/frontend-sync/src/plan.ts
// The sync plan: local files (walked and hashed) against the bucket listing → what to upload,
// what to skip, what to delete, in the order that keeps the live site consistent.
// Pure: no SDK, no @actions/*, no file system.


/** The S3 metadata key holding the SHA-256 of the content (sent as `x-amz-meta-sha256`). */
const SHA256_METADATA = 'sha256';
function normalizeEtag(etag) {
    return etag.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
}
/** A multipart upload's ETag is `<md5 of part md5s>-<parts>`, never the content MD5. */
function isMultipartEtag(etag) {
    return /-\d+$/.test(normalizeEtag(etag));
}
/**
 * Compares a local file with its listed object as cheaply as possible:
 * - a different size is a change (no request);
 * - a single-part ETag equal to the content MD5 is the same content (no request);
 * - otherwise (a multipart ETag, or a single-part one that differs, which is either a real change
 *   or an SSE-KMS object whose ETag is not an MD5) the answer needs HeadObject for the SHA-256
 *   this action stores in metadata: 'head'.
 * With the head: the stored SHA-256 decides when present; without one, the object is replaced
 * (which also stores the SHA-256, so the next run settles it without doubt).
 */
function compare(local, remote, head) {
    if (local.size !== remote.size)
        return 'changed';
    const etag = normalizeEtag(remote.etag);
    if (!isMultipartEtag(etag) && etag === local.md5.toLowerCase())
        return 'same';
    if (!head)
        return 'head';
    if (head.sha256)
        return head.sha256.toLowerCase() === local.sha256.toLowerCase() ? 'same' : 'changed';
    return 'changed';
}
function isExcluded(path, exclude) {
    return exclude.some((glob) => matchesGlob(path, glob));
}
function byKey(a, b) {
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
/**
 * Builds the plan. `heads` holds the HeadObject answers for keys a first call listed in `toHead`;
 * call again with them to settle those files (a plan with a non-empty `toHead` is not final).
 */
function buildPlan(local, remote, options, heads = new Map()) {
    const remoteByKey = new Map();
    for (const o of remote)
        remoteByKey.set(o.key, o);
    const uploads = [];
    const unchanged = [];
    const toHead = [];
    const localKeys = new Set();
    for (const f of local) {
        if (isExcluded(f.path, options.exclude))
            continue;
        const key = options.prefix + f.path;
        localKeys.add(key);
        const existing = remoteByKey.get(key);
        const verdict = existing ? compare(f, existing, heads.get(key)) : 'changed';
        if (verdict === 'same') {
            unchanged.push(key);
            continue;
        }
        if (verdict === 'head') {
            toHead.push(key);
            continue;
        }
        const cache = cacheControlFor(f.path, options.cacheRules);
        uploads.push({
            path: f.path,
            key,
            file: f.file,
            size: f.size,
            sha256: f.sha256,
            md5: f.md5,
            reason: existing ? 'changed' : 'new',
            contentType: contentTypeFor(f.path, options.typeOverrides),
            cacheControl: cache.value,
            cacheRule: cache.source,
            phase: isEntryPoint(f.path) ? 2 : 1,
        });
    }
    const deletes = [];
    let excludedRemote = 0;
    for (const o of remote) {
        if (localKeys.has(o.key) || !o.key.startsWith(options.prefix))
            continue;
        const path = o.key.slice(options.prefix.length);
        // Folder markers (`dir/`) are not files of the site; excluded paths are left alone.
        if (path === '' || path.endsWith('/'))
            continue;
        if (isExcluded(path, options.exclude)) {
            excludedRemote++;
            continue;
        }
        if (options.delete)
            deletes.push({ key: o.key, size: o.size });
    }
    uploads.sort((a, b) => a.phase - b.phase || byKey(a, b));
    deletes.sort(byKey);
    unchanged.sort();
    toHead.sort();
    return { uploads, unchanged, deletes, toHead, excludedRemote };
}
function bytesOf(uploads) {
    return uploads.reduce((sum, u) => sum + u.size, 0);
}
/** The `n` largest uploads, largest first (for the summary). */
function largest(uploads, n = 10) {
    return [...uploads].sort((a, b) => b.size - a.size || byKey(a, b)).slice(0, n);
}


/***/ })

};
