export const id = 246;
export const ids = [246];
export const modules = {

/***/ 1246:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   renderSummary: () => (/* binding */ renderSummary)
/* harmony export */ });
/* harmony import */ var _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3252);
// The job summary: what ran, then `info` before and after as tables. Pure.

function infoTable(rows) {
    if (rows.length === 0)
        return '_No migrations found and no schema history._';
    return (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .markdownTable */ .Qj)(['Category', 'Version', 'Description', 'Type', 'Installed On', 'State'], rows.map((r) => [r.category, r.version, r.description, r.type, r.installedOn, r.state]));
}
function renderSummary(report, target, outcome) {
    const title = `flyway-migrate: ${report.command}${report.dryRun ? ' (dry run)' : ''} ${outcome}`;
    const lines = [`## ${title}`, ''];
    lines.push(`Database: \`${(0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .escapeCell */ .kq)(target)}\`${report.database ? ` (${(0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .escapeCell */ .kq)(report.database)})` : ''}  `);
    lines.push(`Schema version: **${report.schemaVersionBefore ?? 'empty'}** → **${report.schemaVersion ?? report.schemaVersionBefore ?? 'empty'}**, applied ${report.applied.length}, pending ${report.pending.length}`, '');
    if (report.failure) {
        const where = report.failure.file
            ? ` in \`${report.failure.file}\`${report.failure.line ? ` line ${report.failure.line}` : ''}`
            : '';
        lines.push(`> **Failed**${where}: ${(0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .escapeCell */ .kq)(report.failure.message)}${report.failure.sqlState ? ` (SQL state ${report.failure.sqlState})` : ''}`, '');
    }
    if (report.errors.length > 0) {
        lines.push('### Validation errors', '', ...report.errors.map((e) => `- ${(0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .escapeCell */ .kq)(e.message)}`), '');
    }
    if (report.actions.length > 0)
        lines.push('### Actions', '', ...report.actions.map((a) => `- ${(0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .escapeCell */ .kq)(a)}`), '');
    if (report.applied.length > 0) {
        lines.push('### Applied', '', (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .markdownTable */ .Qj)(['Version', 'Description', 'Script', 'Time', 'Transaction'], report.applied.map((a) => [
            a.version || 'repeatable',
            a.description,
            a.script,
            (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(a.executionTimeMs),
            a.transactional ? 'yes' : 'no',
        ])), '');
    }
    if (report.dryRun && report.command === 'migrate') {
        lines.push('### Would apply', '', report.pending.length === 0
            ? '_Nothing: the schema is up to date._'
            : (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .markdownTable */ .Qj)(['Version', 'Description', 'Script'], report.pending.map((p) => [p.version || 'repeatable', p.description, p.script])), '');
    }
    lines.push('### Info before', '', infoTable(report.infoBefore), '');
    if (report.infoAfter.length > 0)
        lines.push('### Info after', '', infoTable(report.infoAfter), '');
    if (report.notes.length > 0)
        lines.push('<details><summary>Notes</summary>', '', ...report.notes.map((n) => `- ${(0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .escapeCell */ .kq)(n)}`), '', '</details>', '');
    return lines.join('\n');
}


/***/ })

};
