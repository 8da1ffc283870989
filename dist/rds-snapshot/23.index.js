export const id = 23;
export const ids = [23];
export const modules = {

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


/***/ }),

/***/ 5023:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   clusterInfo: () => (/* binding */ clusterInfo),
/* harmony export */   clusterSnapshotInfo: () => (/* binding */ clusterSnapshotInfo),
/* harmony export */   createRdsPort: () => (/* binding */ createRdsPort),
/* harmony export */   instanceInfo: () => (/* binding */ instanceInfo),
/* harmony export */   sdkRdsPort: () => (/* binding */ sdkRdsPort),
/* harmony export */   snapshotInfo: () => (/* binding */ snapshotInfo),
/* harmony export */   waiterDelays: () => (/* binding */ waiterDelays)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7202);
/* harmony import */ var _deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3765);
/* harmony import */ var _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4040);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2209);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9617);
// The RdsPort on the AWS SDK v3: paginators for listings, the SDK's own waiters for every wait
// (polled through an observing client so each wait prints progress lines with the status and
// PercentProgress it sees), bounded by the run's one deadline.





function createRdsPort(region) {
    return sdkRdsPort(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .RDSClient */ .rYe((0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__/* .clientConfig */ .yO)(region)));
}
function isNotFound(error) {
    return /NotFound/.test((0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__/* .awsErrorName */ .ZH)(error) ?? '');
}
function tagsOf(list) {
    const out = {};
    for (const t of list ?? [])
        if (t.Key)
            out[t.Key] = t.Value ?? '';
    return out;
}
function securityGroupIds(groups) {
    return (groups ?? []).flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : []));
}
function instanceInfo(db) {
    return {
        kind: 'instance',
        id: db.DBInstanceIdentifier ?? '',
        arn: db.DBInstanceArn ?? '',
        status: db.DBInstanceStatus ?? 'unknown',
        engine: db.Engine ?? '',
        engineVersion: db.EngineVersion,
        clusterId: db.DBClusterIdentifier || undefined,
        allocatedStorageGiB: db.AllocatedStorage,
        instanceClass: db.DBInstanceClass,
        subnetGroup: db.DBSubnetGroup?.DBSubnetGroupName,
        securityGroupIds: securityGroupIds(db.VpcSecurityGroups),
        parameterGroup: db.DBParameterGroups?.[0]?.DBParameterGroupName,
        multiAz: db.MultiAZ,
        publiclyAccessible: db.PubliclyAccessible,
        endpoint: db.Endpoint?.Address,
        port: db.Endpoint?.Port,
        tags: tagsOf(db.TagList),
    };
}
function clusterInfo(db) {
    return {
        kind: 'cluster',
        id: db.DBClusterIdentifier ?? '',
        arn: db.DBClusterArn ?? '',
        status: db.Status ?? 'unknown',
        engine: db.Engine ?? '',
        engineVersion: db.EngineVersion,
        writerId: db.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier,
        allocatedStorageGiB: db.AllocatedStorage,
        instanceClass: db.DBClusterInstanceClass,
        subnetGroup: db.DBSubnetGroup,
        securityGroupIds: securityGroupIds(db.VpcSecurityGroups),
        parameterGroup: db.DBClusterParameterGroup,
        multiAz: db.MultiAZ,
        publiclyAccessible: db.PubliclyAccessible,
        endpoint: db.Endpoint,
        port: db.Port,
        tags: tagsOf(db.TagList),
    };
}
/** The fields DB and cluster snapshots share. */
function commonSnapshotFields(s) {
    return {
        status: s.Status ?? 'unknown',
        type: s.SnapshotType ?? 'manual',
        createdAt: s.SnapshotCreateTime ? new Date(s.SnapshotCreateTime) : undefined,
        percentProgress: s.PercentProgress,
        allocatedStorageGiB: s.AllocatedStorage,
        engine: s.Engine,
        engineVersion: s.EngineVersion,
        port: s.Port,
        tags: tagsOf(s.TagList),
        sharedWith: [],
    };
}
function snapshotInfo(s) {
    return {
        kind: 'instance',
        id: s.DBSnapshotIdentifier ?? '',
        arn: s.DBSnapshotArn ?? '',
        dbId: s.DBInstanceIdentifier ?? '',
        ...commonSnapshotFields(s),
    };
}
function clusterSnapshotInfo(s) {
    return {
        kind: 'cluster',
        id: s.DBClusterSnapshotIdentifier ?? '',
        arn: s.DBClusterSnapshotArn ?? '',
        dbId: s.DBClusterIdentifier ?? '',
        ...commonSnapshotFields(s),
    };
}
/** `creating, 45%` from a describe response, for progress lines. */
function snapshotDetail(s) {
    if (!s)
        return 'not found yet';
    return s.percentProgress !== undefined && s.status !== 'available' ? `${s.status}, ${s.percentProgress}%` : s.status;
}
/** Waiter delays (seconds): fixed when a poll interval is set, else 10-30 s; always inside the time left. */
function waiterDelays(pollIntervalMs, remainingS) {
    const [min, max] = pollIntervalMs === undefined ? [10, 30] : [pollIntervalMs / 1000, pollIntervalMs / 1000];
    const minDelay = Math.max(0.001, Math.min(min, remainingS / 2));
    return { minDelay, maxDelay: Math.max(minDelay, max) };
}
/**
 * Runs an SDK waiter against a client that notes every response it polls, so a progress line
 * (status, PercentProgress, or the error being retried) is printed at least every
 * `progressEveryMs` and a timeout says what was last seen.
 */
async function waitWithProgress(client, what, wait, observe, waiter) {
    const progress = (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .progressReporter */ .xZ)(what, wait.log, wait.clock, wait.progressEveryMs);
    let detail = 'not checked yet';
    let announced = false;
    const observing = Object.create(client);
    observing.send = (async (command) => {
        try {
            const output = await client.send(command);
            const seen = observe(output);
            detail = seen.detail;
            if (!seen.done && !announced) {
                announced = true;
                progress.tick(detail, true);
            }
            return output;
        }
        catch (error) {
            detail = `${(0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__/* .awsErrorName */ .ZH)(error) ?? 'error'}: ${error.message ?? error}; retrying`;
            throw error;
        }
    });
    const timer = setInterval(() => progress.tick(detail), Math.max(50, Math.min(1000, wait.progressEveryMs / 5)));
    const timedOut = () => new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .WaitTimeoutError */ .Do(`timed out after ${(0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(wait.timeoutMs)} waiting for ${what} (last seen: ${detail})`);
    try {
        const remainingS = (wait.deadline - wait.clock.now()) / 1000;
        if (remainingS <= 0)
            throw timedOut();
        await waiter({ client: observing, maxWaitTime: remainingS, ...waiterDelays(wait.pollIntervalMs, remainingS) });
        if (announced)
            wait.log(`${what}: done after ${(0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(progress.elapsed())}`);
    }
    catch (error) {
        if (error instanceof _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .WaitTimeoutError */ .Do)
            throw error;
        if (error.name === 'TimeoutError')
            throw timedOut();
        if (/"state":"FAILURE"/.test(error.message ?? '')) {
            throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .DeployError */ .sH(`${what} failed: it reached status "${detail}", which it will not leave by itself`);
        }
        throw error;
    }
    finally {
        clearInterval(timer);
    }
}
function sdkRdsPort(client) {
    async function describeDb(ref) {
        try {
            if (ref.kind === 'instance') {
                const out = await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .DescribeDBInstancesCommand */ .hhJ({ DBInstanceIdentifier: ref.id }));
                const db = out.DBInstances?.[0];
                return db ? instanceInfo(db) : undefined;
            }
            const out = await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .DescribeDBClustersCommand */ .Kdv({ DBClusterIdentifier: ref.id }));
            const db = out.DBClusters?.[0];
            return db ? clusterInfo(db) : undefined;
        }
        catch (error) {
            if (isNotFound(error))
                return undefined;
            throw error;
        }
    }
    async function describeSnapshot(kind, id) {
        try {
            if (kind === 'instance') {
                const out = await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .DescribeDBSnapshotsCommand */ .KKI({ DBSnapshotIdentifier: id }));
                const s = out.DBSnapshots?.[0];
                return s ? snapshotInfo(s) : undefined;
            }
            const out = await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .DescribeDBClusterSnapshotsCommand */ .cWV({ DBClusterSnapshotIdentifier: id }));
            const s = out.DBClusterSnapshots?.[0];
            return s ? clusterSnapshotInfo(s) : undefined;
        }
        catch (error) {
            if (isNotFound(error))
                return undefined;
            throw error;
        }
    }
    async function sharedWith(s) {
        const attributes = s.kind === 'instance'
            ? (await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .DescribeDBSnapshotAttributesCommand */ .auA({ DBSnapshotIdentifier: s.id })))
                .DBSnapshotAttributesResult?.DBSnapshotAttributes
            : (await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .DescribeDBClusterSnapshotAttributesCommand */ .ypC({ DBClusterSnapshotIdentifier: s.id })))
                .DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes;
        return (attributes ?? []).filter((a) => a.AttributeName === 'restore').flatMap((a) => a.AttributeValues ?? []);
    }
    async function listSnapshots(kind, dbId, withSharing = false) {
        const all = [];
        if (kind === 'instance') {
            for await (const page of (0,_aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .paginateDescribeDBSnapshots */ .iKM)({ client, pageSize: 100 }, { DBInstanceIdentifier: dbId })) {
                for (const s of page.DBSnapshots ?? [])
                    all.push(snapshotInfo(s));
            }
        }
        else {
            for await (const page of (0,_aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .paginateDescribeDBClusterSnapshots */ .G8v)({ client, pageSize: 100 }, { DBClusterIdentifier: dbId })) {
                for (const s of page.DBClusterSnapshots ?? [])
                    all.push(clusterSnapshotInfo(s));
            }
        }
        // Only a managed manual snapshot could be deleted: ask who it is shared with (never delete those).
        if (!withSharing)
            return all;
        for (const s of all)
            if (s.type === 'manual' && s.tags[_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .MANAGED_TAG */ .N2] === 'true')
                s.sharedWith = await sharedWith(s);
        return all;
    }
    return {
        describeDb,
        describeSnapshot,
        listSnapshots,
        async createSnapshot(kind, dbId, snapshotId, tags) {
            if (kind === 'instance') {
                const out = await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .CreateDBSnapshotCommand */ .SQw({
                    DBInstanceIdentifier: dbId,
                    DBSnapshotIdentifier: snapshotId,
                    Tags: (0,_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .tagList */ .Tw)(tags),
                }));
                if (!out.DBSnapshot)
                    throw new Error(`CreateDBSnapshot returned no snapshot for ${snapshotId}`);
                return snapshotInfo(out.DBSnapshot);
            }
            const out = await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .CreateDBClusterSnapshotCommand */ .Iv4({
                DBClusterIdentifier: dbId,
                DBClusterSnapshotIdentifier: snapshotId,
                Tags: (0,_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .tagList */ .Tw)(tags),
            }));
            if (!out.DBClusterSnapshot)
                throw new Error(`CreateDBClusterSnapshot returned no snapshot for ${snapshotId}`);
            return clusterSnapshotInfo(out.DBClusterSnapshot);
        },
        async deleteSnapshot(kind, id) {
            if (kind === 'instance')
                await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .DeleteDBSnapshotCommand */ .PHQ({ DBSnapshotIdentifier: id }));
            else
                await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .DeleteDBClusterSnapshotCommand */ .fW3({ DBClusterSnapshotIdentifier: id }));
        },
        async restoreInstance(params) {
            const out = await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .RestoreDBInstanceFromDBSnapshotCommand */ .dX$(params));
            if (!out.DBInstance)
                throw new Error(`RestoreDBInstanceFromDBSnapshot returned no instance for ${params.DBInstanceIdentifier}`);
            return instanceInfo(out.DBInstance);
        },
        async restoreCluster(params) {
            const out = await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .RestoreDBClusterFromSnapshotCommand */ .sX2(params));
            if (!out.DBCluster)
                throw new Error(`RestoreDBClusterFromSnapshot returned no cluster for ${params.DBClusterIdentifier}`);
            return clusterInfo(out.DBCluster);
        },
        async createClusterInstance(params) {
            const out = await client.send(new _aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .CreateDBInstanceCommand */ .day(params));
            if (!out.DBInstance)
                throw new Error(`CreateDBInstance returned no instance for ${params.DBInstanceIdentifier}`);
            return instanceInfo(out.DBInstance);
        },
        async waitDbAvailable(ref, wait) {
            const what = `${(0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .describeKind */ .S)(ref.kind)} ${ref.id} to be available`;
            if (ref.kind === 'instance') {
                await waitWithProgress(client, what, wait, (out) => {
                    const status = out.DBInstances?.[0]?.DBInstanceStatus ?? 'not found';
                    return { detail: `status ${status}`, done: status === 'available' };
                }, (config) => (0,_aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .waitUntilDBInstanceAvailable */ .wpV)(config, { DBInstanceIdentifier: ref.id }));
            }
            else {
                await waitWithProgress(client, what, wait, (out) => {
                    const status = out.DBClusters?.[0]?.Status ?? 'not found';
                    return { detail: `status ${status}`, done: status === 'available' };
                }, (config) => (0,_aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .waitUntilDBClusterAvailable */ .jI9)(config, { DBClusterIdentifier: ref.id }));
            }
            const db = await describeDb(ref);
            if (!db)
                throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .DeployError */ .sH(`${(0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .describeKind */ .S)(ref.kind)} ${ref.id} disappeared while waiting for it`);
            return db;
        },
        async waitSnapshotAvailable(kind, id, wait) {
            const what = `${(0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .snapshotNoun */ .R)(kind)} ${id} to be available`;
            if (kind === 'instance') {
                await waitWithProgress(client, what, wait, (out) => {
                    const s = out.DBSnapshots?.[0];
                    const info = s ? snapshotInfo(s) : undefined;
                    return { detail: snapshotDetail(info), done: info?.status === 'available' };
                }, (config) => (0,_aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .waitUntilDBSnapshotAvailable */ .r9C)(config, { DBSnapshotIdentifier: id }));
            }
            else {
                await waitWithProgress(client, what, wait, (out) => {
                    const s = out.DBClusterSnapshots?.[0];
                    const info = s ? clusterSnapshotInfo(s) : undefined;
                    return { detail: snapshotDetail(info), done: info?.status === 'available' };
                }, (config) => (0,_aws_sdk_client_rds__WEBPACK_IMPORTED_MODULE_3__/* .waitUntilDBClusterSnapshotAvailable */ .nMy)(config, { DBClusterSnapshotIdentifier: id }));
            }
            const s = await describeSnapshot(kind, id);
            if (!s)
                throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .DeployError */ .sH(`${(0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .snapshotNoun */ .R)(kind)} ${id} disappeared while waiting for it`);
            return s;
        },
    };
}


/***/ })

};
