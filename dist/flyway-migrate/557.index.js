export const id = 557;
export const ids = [557];
export const modules = {

/***/ 2557:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   outputsOf: () => (/* binding */ outputsOf),
/* harmony export */   run: () => (/* binding */ run),
/* harmony export */   writeReport: () => (/* binding */ writeReport)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _deploy_actions_flyway__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2788);
/* harmony import */ var _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3252);
// The I/O edge: scan the locations, then run the command against the database. Everything the run
// learns goes into `report`, which the caller turns into outputs and a summary even on failure.





async function run(inputs, deps, report) {
    const { log } = deps;
    let files;
    try {
        files = (0,_deploy_actions_flyway__WEBPACK_IMPORTED_MODULE_3__/* .readLocations */ .P2)(inputs.locations, deps.cwd);
    }
    catch (error) {
        if (error instanceof _deploy_actions_flyway__WEBPACK_IMPORTED_MODULE_3__/* .ScanError */ .sC)
            throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_4__/* .ConfigurationError */ .j1('locations', `existing folders of migrations (${error.message})`);
        throw error;
    }
    let scan;
    try {
        scan = (0,_deploy_actions_flyway__WEBPACK_IMPORTED_MODULE_3__/* .resolveMigrations */ .AA)(files);
    }
    catch (error) {
        throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_4__/* .DeployError */ .sH(error.message, { leftState: 'nothing changed (not connected)' });
    }
    report.notes.push(...scan.notes);
    for (const note of scan.notes)
        log.info(note);
    log.info(`found ${scan.migrations.length} migration(s) in ${inputs.locations.join(', ')}`);
    try {
        await log.group(`flyway ${inputs.command}${inputs.dryRun ? ' (dry run)' : ''} on ${inputs.displayUrl}`, () => (0,_deploy_actions_flyway__WEBPACK_IMPORTED_MODULE_3__/* .runCommand */ .d1)(inputs.command, (0,_deploy_actions_flyway__WEBPACK_IMPORTED_MODULE_3__/* .engineOptions */ .ll)({
            connection: inputs.connection,
            schemas: inputs.schemas,
            table: inputs.table,
            ...(inputs.target ? { target: inputs.target } : {}),
            baselineVersion: inputs.baselineVersion,
            baselineOnMigrate: inputs.baselineOnMigrate,
            outOfOrder: inputs.outOfOrder,
            placeholders: inputs.placeholders,
            dryRun: inputs.dryRun,
            log,
            ...(deps.clock ? { clock: deps.clock } : {}),
            ...(deps.connectTimeoutMs !== undefined ? { connectTimeoutMs: deps.connectTimeoutMs } : {}),
            ...(deps.lockTimeoutMs !== undefined ? { lockTimeoutMs: deps.lockTimeoutMs } : {}),
        }), scan.migrations, report));
    }
    catch (error) {
        if (error instanceof _deploy_actions_flyway__WEBPACK_IMPORTED_MODULE_3__/* .MigrationError */ .Py) {
            log.error(error.message, {
                file: error.file,
                ...(error.line ? { startLine: error.line } : {}),
                title: 'Migration failed',
            });
        }
        else if (error instanceof _deploy_actions_flyway__WEBPACK_IMPORTED_MODULE_3__/* .ValidationError */ .yI) {
            for (const issue of error.issues)
                log.error(issue.message, { ...(issue.file ? { file: issue.file } : {}), title: 'Flyway validation' });
        }
        throw error;
    }
    finally {
        for (const a of report.actions)
            log.info(a);
        const before = (0,_deploy_actions_flyway__WEBPACK_IMPORTED_MODULE_3__/* .stateCounts */ ._d)(report.infoBefore);
        log.info(`schema version ${report.schemaVersionBefore ?? 'empty'} → ${report.schemaVersion ?? 'empty'}; before: ${before}; applied ${report.applied.length}; pending ${report.pending.length}`);
    }
}
/** Writes the JSON report next to the runner's temp files; returns its path. */
function writeReport(report, env = process.env) {
    const path = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), `flyway-migrate-report-${process.pid}-${Date.now()}.json`);
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)(path, `${JSON.stringify(report, null, 2)}\n`);
    return path;
}
function outputsOf(report, reportPath) {
    return {
        applied: report.applied.length,
        pending: report.pending.length,
        'schema-version': report.schemaVersion ?? '',
        report: reportPath,
    };
}


/***/ })

};
