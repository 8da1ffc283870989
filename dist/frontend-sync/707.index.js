export const id = 707;
export const ids = [707];
export const modules = {

/***/ 6609:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $$: () => (/* binding */ bytesOf),
/* harmony export */   Pt: () => (/* binding */ normalizeEtag),
/* harmony export */   UD: () => (/* binding */ compare),
/* harmony export */   dX: () => (/* binding */ byKey),
/* harmony export */   iP: () => (/* binding */ isMultipartEtag),
/* harmony export */   lF: () => (/* binding */ diffSource),
/* harmony export */   nQ: () => (/* binding */ largest)
/* harmony export */ });
// The comparison at the heart of the plan: local files against the listing → which are unchanged,
// which changed (or are new), which remote objects are stale, which need a HeadObject. Pure, and
// free of the header rules (mime-db, minimatch), so a sync with nothing to upload never loads them.
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
function byKey(a, b) {
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
/**
 * Compares. `heads` holds the HeadObject answers for keys a first call listed in `toHead`;
 * call again with them to settle those files (a diff with a non-empty `toHead` is not final).
 */
function diffSource(local, remote, options, heads = new Map()) {
    const remoteByKey = new Map();
    for (const o of remote)
        remoteByKey.set(o.key, o);
    const changed = [];
    const unchanged = [];
    const toHead = [];
    const localKeys = new Set();
    for (const f of local) {
        if (options.isExcluded(f.path))
            continue;
        const key = options.prefix + f.path;
        localKeys.add(key);
        const existing = remoteByKey.get(key);
        const verdict = existing ? compare(f, existing, heads.get(key)) : 'changed';
        if (verdict === 'same')
            unchanged.push(key);
        else if (verdict === 'head')
            toHead.push(key);
        else
            changed.push({ file: f, key, reason: existing ? 'changed' : 'new' });
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
        if (options.isExcluded(path)) {
            excludedRemote++;
            continue;
        }
        if (options.delete)
            deletes.push({ key: o.key, size: o.size });
    }
    changed.sort(byKey);
    deletes.sort(byKey);
    unchanged.sort();
    toHead.sort();
    return { changed, unchanged, deletes, toHead, excludedRemote };
}
function bytesOf(uploads) {
    return uploads.reduce((sum, u) => sum + u.size, 0);
}
/** The `n` largest uploads, largest first (for the summary). */
function largest(uploads, n = 10) {
    return [...uploads].sort((a, b) => b.size - a.size || byKey(a, b)).slice(0, n);
}


/***/ }),

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
// EXTERNAL MODULE: ./actions/frontend-sync/src/diff.ts
var src_diff = __webpack_require__(6609);
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

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./actions/frontend-sync/src/walk.ts
// Reads the site from disk: every file under `source` (symlinked files followed, symlinked
// directories not, so a link cannot loop), hashed with MD5 (to compare with S3 ETags) and SHA-256.





/** Every file under `root`, sorted; `onFile` sees each as it is found (in no set order). */
async function listFiles(root, onFile) {
    const out = [];
    const found = (file) => {
        out.push(file);
        onFile?.(file);
    };
    // Sibling directories are read concurrently (scandir runs whole on the libuv pool, so at most
    // its size are open at once); the result is sorted, so the order does not depend on timing.
    const visit = async (dir) => {
        const entries = await (0,promises_.readdir)(dir, { withFileTypes: true });
        const pending = [];
        for (const e of entries) {
            const full = (0,external_node_path_.join)(dir, e.name);
            if (e.isDirectory())
                pending.push(visit(full));
            else if (e.isFile())
                found(full);
            else if (e.isSymbolicLink()) {
                pending.push((0,promises_.stat)(full).then((target) => {
                    if (target.isFile())
                        found(full);
                }, () => { }));
            }
        }
        await Promise.all(pending);
    };
    await visit(root);
    return out.sort();
}
/** Files up to this size are read in one call; larger ones are streamed. */
const READ_WHOLE_MAX = 8 * 1024 * 1024;
/**
 * The whole content when the file is at most `max` bytes, else `undefined`: one descriptor for
 * the size and the read (open, fstat, read, close; no separate stat by path).
 */
async function readUpTo(file, max) {
    const fh = await (0,promises_.open)(file, 'r');
    try {
        const { size } = await fh.stat();
        if (size > max)
            return undefined;
        const body = Buffer.allocUnsafe(size);
        let read = 0;
        while (read < size) {
            const { bytesRead } = await fh.read(body, read, size - read, read);
            if (bytesRead === 0)
                break; // shrank while read
            read += bytesRead;
        }
        return read < size ? body.subarray(0, read) : body;
    }
    finally {
        await fh.close();
    }
}
async function hashFile(file) {
    const md5 = (0,external_node_crypto_.createHash)('md5');
    const sha256 = (0,external_node_crypto_.createHash)('sha256');
    const body = await readUpTo(file, READ_WHOLE_MAX);
    if (body) {
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
function sourcePath(root, file) {
    return (0,external_node_path_.relative)(root, file).split(external_node_path_.sep).join('/');
}
/**
 * The files under `root` that `skip(path)` does not exclude, sorted. `onFirstKept` is called once,
 * as soon as the first such file is found (so work that needs a non-empty source can start
 * before the whole tree has been read).
 */
async function listSource(root, skip = () => false, onFirstKept) {
    let kept = false;
    const onFile = onFirstKept
        ? (file) => {
            if (kept || skip(sourcePath(root, file)))
                return;
            kept = true;
            onFirstKept();
        }
        : undefined;
    return (await listFiles(root, onFile))
        .map((file) => ({ file, path: sourcePath(root, file) }))
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
    // The header rules (minimatch, mime-db) are loaded only when needed: for `exclude` globs here,
    // for uploads once the plan has some. A sync with nothing to upload never loads them.
    const isExcluded = inputs.exclude.length > 0
        ? await Promise.all(/* import() */[__webpack_require__.e(776), __webpack_require__.e(964)]).then(__webpack_require__.bind(__webpack_require__, 3964)).then((m) => (path) => m.isExcluded(path, inputs.exclude))
        : () => false;
    // Listing (network) overlaps walking and hashing (disk, CPU). It starts once the walk has found
    // a file to sync, never earlier: an empty source with delete: true is refused before any request.
    let listing;
    const startListing = () => (listing ??= s3.list(inputs.bucket, inputs.prefix).then((objects) => ({ objects }), (error) => ({ error })));
    const entries = await listSource(inputs.source, isExcluded, startListing);
    if (entries.length === 0 && inputs.delete) {
        throw refusal(inputs, inputs.exclude.length ? 'has no files left after exclude' : 'has no files');
    }
    startListing();
    const local = await log.group(`Read ${inputs.source}`, async () => {
        const files = await hashEntries(entries);
        log.info(`${files.length} files, ${(0,kit_src/* formatBytes */.z3)(files.reduce((s, f) => s + f.size, 0))}, hashed`);
        return files;
    });
    const plan = await log.group(`Compare with ${where(inputs)}`, async () => {
        const listed = await startListing();
        if ('error' in listed)
            throw bucketError(inputs, listed.error);
        const remote = listed.objects;
        const options = { prefix: inputs.prefix, delete: inputs.delete, isExcluded };
        let diff = (0,src_diff/* diffSource */.lF)(local, remote, options);
        log.info(`${remote.length} objects listed`);
        if (diff.toHead.length > 0) {
            // Multipart or non-MD5 ETags (SSE-KMS): the stored SHA-256 settles them.
            const heads = new Map();
            await (0,kit_src/* mapLimit */.sf)(diff.toHead, inputs.concurrency, async (key) => {
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
            diff = (0,src_diff/* diffSource */.lF)(local, remote, options, heads);
        }
        const { changed, ...rest } = diff;
        const p = changed.length > 0 ? (await Promise.all(/* import() */[__webpack_require__.e(776), __webpack_require__.e(964)]).then(__webpack_require__.bind(__webpack_require__, 3964))).completePlan(diff, inputs) : { uploads: [], ...rest };
        log.info(`plan: ${p.uploads.length} to upload (${(0,kit_src/* formatBytes */.z3)((0,src_diff/* bytesOf */.$$)(p.uploads))}), ${p.unchanged.length} unchanged, ` +
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
        result.bytesUploaded = (0,src_diff/* bytesOf */.$$)(plan.uploads);
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


/***/ })

};
