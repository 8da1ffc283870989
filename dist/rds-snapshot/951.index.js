export const id = 951;
export const ids = [951];
export const modules = {

/***/ 1951:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   run: () => (/* binding */ run)
/* harmony export */ });
/* harmony import */ var _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4040);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2209);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9617);
/* harmony import */ var _report_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5040);
// The I/O edge of rds-snapshot: create / prune / restore over an injected RdsPort, clock and
// logger. Fills the report as it goes, so outputs and the summary say what is known even when a
// step fails.




/** Poll interval of our own waits (other snapshots in progress) when none is configured. */
const DEFAULT_POLL_MS = 15_000;
async function run(inputs, deps, report = (0,_report_js__WEBPACK_IMPORTED_MODULE_2__/* .emptyReport */ ._O)(inputs.mode, inputs.dryRun)) {
    const ctx = {
        inputs,
        deps,
        report,
        wait: {
            deadline: deps.clock.now() + inputs.timeoutMs,
            timeoutMs: inputs.timeoutMs,
            pollIntervalMs: inputs.pollIntervalMs,
            progressEveryMs: inputs.progressEveryMs,
            log: (line) => deps.log.info(line),
            clock: deps.clock,
        },
    };
    try {
        if (inputs.mode === 'create')
            await create(ctx);
        else if (inputs.mode === 'prune')
            await prune(ctx, await resolveDb(ctx, true));
        else
            await restore(ctx);
    }
    catch (error) {
        report.error = (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(error);
        throw error;
    }
    return report;
}
function inputName(ref) {
    return ref.kind === 'cluster' ? 'db-cluster-identifier' : 'db-instance-identifier';
}
async function resolveDb(ctx, required) {
    const { inputs, deps, report } = ctx;
    const ref = inputs.db;
    report.db = ref;
    const db = await deps.rds.describeDb(ref);
    if (!db) {
        if (!required)
            return undefined;
        throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .DeployError */ .sH(`${(0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .describeKind */ .S)(ref.kind)} "${ref.id}" was not found in ${inputs.region}: check ${inputName(ref)} and the region`, { leftState: 'nothing was changed' });
    }
    if (db.kind === 'instance' && db.clusterId) {
        const note = `${ref.id} is a member of Aurora cluster ${db.clusterId}: Aurora snapshots are taken of the whole cluster, so this works on cluster ${db.clusterId}.`;
        deps.log.info(note);
        report.notes.push(note);
        const cluster = await deps.rds.describeDb({ kind: 'cluster', id: db.clusterId });
        if (!cluster)
            throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .DeployError */ .sH(`Aurora cluster "${db.clusterId}" of instance ${ref.id} was not found`, {
                leftState: 'nothing was changed',
            });
        report.db = { kind: 'cluster', id: cluster.id };
        return cluster;
    }
    return db;
}
function snapshotIdFor(ctx, db) {
    const { inputs } = ctx;
    if (inputs.snapshotId)
        return (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .checkRdsIdentifier */ .vV)('snapshot-identifier', inputs.snapshotId, (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .maxSnapshotIdLength */ .AH)(db.kind));
    return (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .defaultSnapshotId */ .lZ)(db.id, inputs.version, db.kind);
}
function iso(date) {
    return date?.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
/** A wait that ran out of time becomes a DeployError saying where things were left. */
async function bounded(leftState, fn) {
    try {
        return await fn();
    }
    catch (error) {
        if (error instanceof _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .WaitTimeoutError */ .Do)
            throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .DeployError */ .sH(error.message, { leftState, cause: error });
        throw error;
    }
}
async function waitUntilReady(ctx, db) {
    const { deps, wait, inputs } = ctx;
    const leftState = 'no snapshot was created';
    let ready = db;
    if (db.status !== 'available') {
        deps.log.info(`${(0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .describeKind */ .S)(db.kind)} ${db.id} is ${db.status}: waiting until it is available`);
        ready = await bounded(leftState, () => deps.rds.waitDbAvailable(db, wait));
    }
    let announced = false;
    await bounded(leftState, () => (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .waitUntil */ .a0)(async () => {
        const creating = (await deps.rds.listSnapshots(db.kind, db.id)).filter((s) => s.status === 'creating');
        if (creating.length === 0)
            return { done: true };
        const detail = creating.map((s) => `${s.id} ${s.percentProgress ?? 0}%`).join(', ');
        if (!announced)
            deps.log.info(`another snapshot of ${db.id} is being created (${detail}): waiting for it to finish`);
        announced = true;
        return { detail };
    }, {
        what: `other snapshots of ${db.id} to finish`,
        timeoutMs: Math.max(1, wait.deadline - deps.clock.now()),
        intervalMs: inputs.pollIntervalMs ?? DEFAULT_POLL_MS,
        progressEveryMs: inputs.progressEveryMs,
        log: wait.log,
        clock: deps.clock,
    }));
    return ready;
}
function recordSnapshot(report, s) {
    report.snapshotId = s.id;
    report.snapshotArn = s.arn || report.snapshotArn;
    report.status = s.status;
}
async function create(ctx) {
    const { inputs, deps, report } = ctx;
    const started = deps.clock.now();
    const db = await resolveDb(ctx, true);
    const snapshotId = snapshotIdFor(ctx, db);
    report.snapshotId = snapshotId;
    const noun = (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .snapshotNoun */ .R)(db.kind);
    let outcome = 'reused';
    let snapshot = await deps.rds.describeSnapshot(db.kind, snapshotId);
    const checkSameDb = (s) => {
        if (s.dbId !== db.id) {
            throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .DeployError */ .sH(`snapshot-identifier "${snapshotId}" is already taken by a ${noun} of ${s.dbId}, not of ${db.id}: choose another snapshot-identifier`, { leftState: 'nothing was changed' });
        }
    };
    if (snapshot) {
        checkSameDb(snapshot);
        deps.log.info(`${noun} ${snapshotId} of ${db.id} already exists (${snapshot.status}): reusing it, nothing new is created`);
    }
    else {
        await deps.log.group(`Waiting until ${db.id} is ready for a snapshot`, async () => {
            await waitUntilReady(ctx, db);
        });
        const tags = (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .snapshotTags */ .yi)({ version: inputs.version, commit: inputs.commit, runUrl: inputs.runUrl }, inputs.tags);
        try {
            snapshot = await deps.rds.createSnapshot(db.kind, db.id, snapshotId, tags);
            outcome = 'created';
            deps.log.info(`creating ${noun} ${snapshotId} of ${(0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .describeKind */ .S)(db.kind)} ${db.id} (${db.allocatedStorageGiB ?? '?'} GiB)`);
        }
        catch (error) {
            // Another job created it between our look and our create: the same as finding it.
            if (!/AlreadyExists/.test(error.name ?? ''))
                throw error;
            snapshot = await deps.rds.describeSnapshot(db.kind, snapshotId);
            if (!snapshot)
                throw error;
            checkSameDb(snapshot);
            deps.log.info(`${noun} ${snapshotId} was created meanwhile by another run: reusing it`);
        }
    }
    recordSnapshot(report, snapshot);
    if (inputs.wait && snapshot.status !== 'available') {
        const current = snapshot;
        snapshot = await deps.log.group(`Waiting for ${noun} ${snapshotId}`, () => bounded(`${noun} ${snapshotId} is still being created (${current.status}); a re-run with the same inputs waits for it`, () => deps.rds.waitSnapshotAvailable(db.kind, snapshotId, ctx.wait)));
        recordSnapshot(report, snapshot);
    }
    const row = {
        what: noun,
        id: snapshot.id,
        outcome,
        status: snapshot.status,
        at: iso(snapshot.createdAt),
        durationMs: deps.clock.now() - started,
    };
    const size = snapshot.allocatedStorageGiB ?? db.allocatedStorageGiB;
    report.rows.push(size === undefined ? row : { ...row, sizeGiB: size });
    deps.log.info(`${noun} ${snapshot.id} ${outcome} (${snapshot.status}${size === undefined ? '' : `, ${size} GiB`}) in ${(0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(deps.clock.now() - started)}`);
    if (inputs.retain > 0)
        await prune(ctx, db);
}
async function prune(ctx, db) {
    const { inputs, deps, report } = ctx;
    const noun = (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .snapshotNoun */ .R)(db.kind);
    await deps.log.group(`Pruning ${noun}s of ${db.id} (keeping the newest ${inputs.retain})`, async () => {
        const all = await deps.rds.listSnapshots(db.kind, db.id, true);
        const plan = (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .planPrune */ .wM)(all, db.id, inputs.retain);
        for (const s of plan.keep) {
            deps.log.info(`keep ${s.id} (${iso(s.createdAt) ?? s.status})`);
            if (s.id !== report.snapshotId)
                report.rows.push(pruneRow(s, 'kept'));
        }
        for (const { snapshot, reason } of plan.ignored)
            deps.log.info(`leave ${snapshot.id} alone (${reason})`);
        if (plan.ignored.length > 0) {
            const counts = new Map();
            for (const { reason } of plan.ignored)
                counts.set(reason, (counts.get(reason) ?? 0) + 1);
            report.notes.push(`Left alone (not managed by this action): ${[...counts].map(([reason, n]) => `${n} ${reason}`).join(', ')}.`);
        }
        if (plan.remove.length === 0) {
            deps.log.info(`nothing to prune: ${plan.keep.length} managed ${noun}(s), retain ${inputs.retain}`);
            return;
        }
        for (const s of plan.remove) {
            if (inputs.dryRun) {
                deps.log.info(`would delete ${s.id} (${iso(s.createdAt) ?? s.status}) [dry run]`);
                report.rows.push(pruneRow(s, 'would delete'));
                continue;
            }
            const started = deps.clock.now();
            const gone = await deps.rds.deleteSnapshot(db.kind, s.id).then(() => true, (error) => {
                if (/NotFound/.test(error.name ?? ''))
                    return false;
                throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .DeployError */ .sH(`deleting ${noun} ${s.id} failed: ${(0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(error)}`, {
                    leftState: report.deleted.length ? `already deleted: ${report.deleted.join(', ')}` : 'nothing was deleted',
                    cause: error,
                });
            });
            deps.log.info(gone ? `deleted ${s.id} (${iso(s.createdAt) ?? ''})` : `${s.id} was already gone`);
            report.deleted.push(s.id);
            report.rows.push({ ...pruneRow(s, 'deleted'), durationMs: deps.clock.now() - started });
        }
    });
}
function pruneRow(s, outcome) {
    const row = { what: (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .snapshotNoun */ .R)(s.kind), id: s.id, outcome, status: s.status, at: iso(s.createdAt) };
    return s.allocatedStorageGiB === undefined ? row : { ...row, sizeGiB: s.allocatedStorageGiB };
}
async function findSnapshot(ctx, kind, id) {
    const { deps } = ctx;
    const snapshot = (await deps.rds.describeSnapshot(kind, id)) ??
        (kind === 'instance' ? await deps.rds.describeSnapshot('cluster', id) : undefined);
    if (!snapshot) {
        throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .DeployError */ .sH(`snapshot-identifier: ${(0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .snapshotNoun */ .R)(kind)} "${id}" was not found`, {
            leftState: 'nothing was changed',
        });
    }
    return snapshot;
}
async function restore(ctx) {
    const { inputs, deps, report, wait } = ctx;
    const started = deps.clock.now();
    const targetId = inputs.targetId ?? '';
    const db = await resolveDb(ctx, false);
    const kindGuess = db?.kind ?? inputs.db.kind;
    const snapshotId = snapshotIdFor(ctx, db ?? inputs.db);
    report.snapshotId = snapshotId;
    let snapshot = await findSnapshot(ctx, kindGuess, snapshotId);
    const kind = snapshot.kind;
    report.snapshotArn = snapshot.arn;
    const target = { kind, id: targetId };
    report.db = { kind, id: snapshot.dbId || inputs.db.id };
    if (snapshot.status !== 'available') {
        const current = snapshot;
        snapshot = await bounded(`${(0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .snapshotNoun */ .R)(kind)} ${current.id} is ${current.status}; nothing was restored`, () => deps.rds.waitSnapshotAvailable(kind, current.id, wait));
    }
    const source = db && db.id === snapshot.dbId
        ? db
        : snapshot.dbId
            ? await deps.rds.describeDb({ kind, id: snapshot.dbId })
            : undefined;
    if (!source) {
        const note = `The source DB ${snapshot.dbId || inputs.db.id} no longer exists: the restore uses the snapshot's own settings and the RDS defaults.`;
        deps.log.warning(note);
        report.notes.push(note);
    }
    const tags = (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .snapshotTags */ .yi)({ version: inputs.version, commit: inputs.commit, runUrl: inputs.runUrl }, inputs.tags);
    let outcome = 'restored';
    const existing = await deps.rds.describeDb(target);
    if (existing) {
        if (existing.tags[_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .RESTORED_FROM_TAG */ .$I] !== snapshot.id) {
            throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .DeployError */ .sH(`target-identifier "${targetId}" already exists and was not restored from ${snapshot.id} by this action: choose a new target-identifier`, { leftState: 'nothing was changed' });
        }
        outcome = 'reused';
        deps.log.info(`${(0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .describeKind */ .S)(kind)} ${targetId} was already restored from ${snapshot.id} (${existing.status}): reusing it`);
    }
    let restored;
    let writerId;
    if (kind === 'instance') {
        const params = (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .instanceRestoreParams */ .sC)(snapshot, targetId, source, tags);
        if (source)
            report.copied = (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .describeCopiedSettings */ .Px)(params);
        restored =
            existing ??
                (await deps.log.group(`Restoring ${snapshot.id} into new instance ${targetId}`, async () => {
                    for (const [name, value] of (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .describeCopiedSettings */ .Px)(params))
                        deps.log.info(`${name}: ${value} (from ${source?.id})`);
                    return deps.rds.restoreInstance(params);
                }));
    }
    else {
        const sourceWriter = source?.writerId
            ? await deps.rds.describeDb({ kind: 'instance', id: source.writerId })
            : undefined;
        const params = (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .clusterRestoreParams */ .rs)(snapshot, targetId, source, sourceWriter, tags);
        if (source)
            report.copied = (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .describeCopiedSettings */ .Px)(params);
        if (!sourceWriter)
            deps.log.info(`no source writer instance to copy from: the writer gets class ${params.writer.DBInstanceClass}`);
        restored =
            existing ??
                (await deps.log.group(`Restoring ${snapshot.id} into new Aurora cluster ${targetId}`, async () => {
                    for (const [name, value] of (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .describeCopiedSettings */ .Px)(params))
                        deps.log.info(`${name}: ${value}`);
                    return deps.rds.restoreCluster(params.cluster);
                }));
        writerId = (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .writerInstanceId */ .wp)(targetId);
        const writer = await deps.rds.describeDb({ kind: 'instance', id: writerId });
        if (!writer) {
            deps.log.info(`creating writer instance ${writerId} (${params.writer.DBInstanceClass}) in ${targetId}`);
            await deps.rds.createClusterInstance(params.writer);
        }
    }
    report.status = restored.status;
    if (inputs.wait) {
        const leftState = `${(0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .describeKind */ .S)(kind)} ${targetId} is being restored from ${snapshot.id}; a re-run with the same inputs waits for it`;
        restored = await deps.log.group(`Waiting for ${targetId}`, async () => {
            const db = await bounded(leftState, () => deps.rds.waitDbAvailable(target, wait));
            if (writerId) {
                const id = writerId;
                await bounded(leftState, () => deps.rds.waitDbAvailable({ kind: 'instance', id }, wait));
            }
            return db;
        });
        report.status = restored.status;
    }
    if (restored.endpoint)
        report.endpoint = restored.endpoint;
    if (restored.port !== undefined)
        report.port = restored.port;
    report.rows.push({
        what: kind === 'cluster' ? 'Aurora cluster' : 'DB instance',
        id: targetId,
        outcome: outcome === 'reused' ? 'reused' : 'restored',
        status: restored.status,
        ...(snapshot.allocatedStorageGiB === undefined ? {} : { sizeGiB: snapshot.allocatedStorageGiB }),
        at: iso(new Date(deps.clock.now())),
        durationMs: deps.clock.now() - started,
    });
    if (writerId)
        report.rows.push({ what: 'writer instance', id: writerId, outcome: outcome === 'reused' ? 'reused' : 'restored' });
    deps.log.info(`${(0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .describeKind */ .S)(kind)} ${targetId} ${outcome} from ${snapshot.id}: ${restored.status}, endpoint ${restored.endpoint ?? 'not known yet'}`);
    if (restored.endpoint) {
        report.nextStep = (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .nextStepAfterRestore */ .sE)(target, restored.endpoint, restored.port, source?.id ?? snapshot.dbId);
        deps.log.warning(report.nextStep);
    }
}


/***/ }),

/***/ 9617:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   R: () => (/* binding */ snapshotNoun),
/* harmony export */   S: () => (/* binding */ describeKind)
/* harmony export */ });
function describeKind(kind) {
    return kind === 'cluster' ? 'Aurora cluster' : 'DB instance';
}
function snapshotNoun(kind) {
    return kind === 'cluster' ? 'cluster snapshot' : 'snapshot';
}


/***/ })

};
