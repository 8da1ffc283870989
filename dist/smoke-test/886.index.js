export const id = 886;
export const ids = [886];
export const modules = {

/***/ 9886:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// UNUSED EXPORTS: summaryMarkdown

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./packages/kit/src/index.ts + 10 modules
var src = __webpack_require__(4619);
// EXTERNAL MODULE: ./actions/smoke-test/src/checks.ts + 1 modules
var src_checks = __webpack_require__(420);
;// CONCATENATED MODULE: ./actions/smoke-test/src/http.ts
// One smoke request with native fetch: per-request timeout, body read (bounded), verdict.


/** Bodies are read up to this size for the expectations; the rest is discarded. */
const MAX_BODY_BYTES = 1024 * 1024;
class RequestTimeout extends Error {
    name = 'RequestTimeout';
}
function httpProbe(fetchFn = fetch, now = () => performance.now()) {
    return async (check, timeoutMs) => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(new RequestTimeout()), timeoutMs);
        const started = now();
        try {
            const res = await fetchFn(check.url, {
                method: check.method,
                headers: check.headers,
                ...(check.body === undefined ? {} : { body: check.body }),
                redirect: (0,src_checks/* expectsRedirect */.zv)(check.expect) ? 'manual' : 'follow',
                signal: controller.signal,
            });
            const body = check.method === 'HEAD' ? '' : await readBody(res);
            const latencyMs = now() - started;
            const verdict = (0,src_checks/* evaluate */._3)(check.expect, { status: res.status, body, latencyMs });
            return verdict.ok
                ? { ok: true, status: res.status, latencyMs }
                : { ok: false, kind: verdict.kind, reason: verdict.reason, status: res.status, latencyMs };
        }
        catch (error) {
            if (controller.signal.aborted) {
                return { ok: false, kind: 'timeout', reason: `no answer within ${(0,src/* formatDuration */.a3)(timeoutMs)}` };
            }
            return { ok: false, kind: 'network', reason: describeNetworkError(error, check.url) };
        }
        finally {
            clearTimeout(timer);
        }
    };
}
async function readBody(res) {
    if (!res.body)
        return '';
    const reader = res.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done)
            break;
        chunks.push(value);
        size += value.byteLength;
        if (size >= MAX_BODY_BYTES) {
            await reader.cancel().catch(() => { });
            break;
        }
    }
    return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}
const NETWORK_REASONS = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    EPIPE: 'connection reset',
    UND_ERR_SOCKET: 'connection closed by the server',
    UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
    ETIMEDOUT: 'connect timeout',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
};
/** Says in a few words why a request got no HTTP answer. */
function describeNetworkError(error, url) {
    const code = (0,src/* errorCode */.CA)(error);
    if (code && NETWORK_REASONS[code])
        return NETWORK_REASONS[code];
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
        return `DNS lookup of ${new URL(url).hostname} failed (${code})`;
    if (code && /CERT|SSL|TLS/.test(code))
        return `TLS error (${code})`;
    let e = error;
    while (e instanceof Error && e.cause instanceof Error)
        e = e.cause;
    const message = e instanceof Error ? e.message : String(e);
    return code ? `${message} (${code})` : message;
}

;// CONCATENATED MODULE: ./actions/smoke-test/src/schedule.ts
// The retry/deadline scheduler: every check is tried until it has N consecutive successes or
// the overall deadline passes. Failures back off exponentially with jitter; at most
// `concurrency` requests are in flight (a check that is backing off holds no slot).
// No I/O of its own: the probe (one request) and the clock are injected.

async function runChecks(checks, probe, options) {
    const { clock, log, intervalMs, consecutiveSuccesses: needed } = options;
    const random = options.random ?? Math.random;
    const maxDelayMs = options.maxDelayMs ?? Math.max(30_000, intervalMs);
    const started = clock.now();
    const deadline = started + options.timeoutMs;
    const limit = (0,src/* limiter */.TA)(options.concurrency);
    const pending = new Map(checks.map((c) => [c.name, 'not tried yet']));
    const progressStop = new AbortController();
    const progress = (0,src/* progressReporter */.xZ)('smoke checks', log, clock, options.progressEveryMs ?? 20_000);
    const progressLoop = (async () => {
        const every = options.progressEveryMs ?? 20_000;
        for (;;) {
            try {
                await clock.sleep(every, progressStop.signal);
            }
            catch {
                return;
            }
            if (pending.size === 0)
                return;
            const shown = [...pending].slice(0, 5).map(([name, state]) => `${name}: ${state}`);
            const more = pending.size > shown.length ? `; and ${pending.size - shown.length} more` : '';
            progress.tick(`${pending.size} of ${checks.length} pending, ${shown.join('; ')}${more}`, true);
        }
    })();
    const one = async (check) => {
        let attempts = 0;
        let streak = 0;
        let failuresInRow = 0;
        let last;
        const done = (passed, reason) => {
            pending.delete(check.name);
            return {
                check,
                passed,
                attempts,
                reason,
                elapsedMs: clock.now() - started,
                ...(last?.latencyMs === undefined ? {} : { latencyMs: last.latencyMs }),
                ...(last?.status === undefined ? {} : { status: last.status }),
                ...(passed || !last || last.ok ? {} : { kind: last.kind }),
            };
        };
        const gaveUp = (why) => {
            const lastSeen = last ? (last.ok ? `HTTP ${last.status}` : last.reason) : 'no attempt made';
            const streakNote = needed > 1 && streak > 0 ? `, ${streak} of ${needed} consecutive successes` : '';
            return done(false, `${why} after ${attempts} attempt${attempts === 1 ? '' : 's'}${streakNote}; last: ${lastSeen}`);
        };
        for (;;) {
            const attempt = await limit(async () => {
                const left = deadline - clock.now();
                return left > 0 ? probe(check, Math.min(options.requestTimeoutMs, left)) : undefined;
            });
            if (!attempt)
                return gaveUp(`deadline of ${(0,src/* formatDuration */.a3)(options.timeoutMs)} reached`);
            attempts++;
            last = attempt;
            let delay;
            if (attempt.ok) {
                streak++;
                failuresInRow = 0;
                const latency = (0,src/* formatDuration */.a3)(attempt.latencyMs);
                if (streak >= needed) {
                    log(`✓ ${check.name}: HTTP ${attempt.status} in ${latency}${needed > 1 ? ` (${streak} in a row)` : ''}`);
                    return done(true, needed > 1 ? `HTTP ${attempt.status}, ${needed} in a row` : `HTTP ${attempt.status}`);
                }
                delay = intervalMs;
                pending.set(check.name, `${streak} of ${needed} consecutive successes`);
                log(`· ${check.name}: HTTP ${attempt.status} in ${latency} (${streak} of ${needed} in a row)`);
            }
            else {
                streak = 0;
                failuresInRow++;
                delay = (0,src/* backoffDelay */.EY)(failuresInRow, intervalMs, maxDelayMs, random);
                pending.set(check.name, `${attempt.reason} (attempt ${attempts})`);
                const left = deadline - Math.min(options.requestTimeoutMs, 1000) - clock.now();
                const next = left > 0 ? `; retrying in ${(0,src/* formatDuration */.a3)(Math.min(delay, left))}` : '';
                log(`✗ ${check.name}: attempt ${attempts}: ${attempt.reason}${next}`);
            }
            // The last attempt starts early enough to get up to a second (or the request timeout) of time.
            const lastStart = deadline - Math.min(options.requestTimeoutMs, 1000) - clock.now();
            if (lastStart <= 0)
                return gaveUp(`deadline of ${(0,src/* formatDuration */.a3)(options.timeoutMs)} reached`);
            await clock.sleep(Math.min(delay, lastStart));
        }
    };
    try {
        return await Promise.all(checks.map(one));
    }
    finally {
        progressStop.abort();
        await progressLoop;
    }
}

;// CONCATENATED MODULE: ./actions/smoke-test/src/main.ts
// The I/O edge: runs the checks with the injected probe/clock/logger, writes the JSON report and
// builds the job summary. Every text that leaves here is passed through redact() first.






async function run(inputs, deps) {
    const clock = deps.clock ?? src/* realClock */.dQ;
    const safe = (text) => (0,src/* redact */.E$)(text, inputs.secrets);
    const startedAt = new Date(clock.now());
    const checks = inputs.checks;
    deps.log.info(safe(`Smoke-testing ${checks.length} check${checks.length === 1 ? '' : 's'}: deadline ${(0,src/* formatDuration */.a3)(inputs.timeoutMs)}, ` +
        `request timeout ${(0,src/* formatDuration */.a3)(inputs.requestTimeoutMs)}, backoff from ${(0,src/* formatDuration */.a3)(inputs.intervalMs)}, ` +
        `${inputs.consecutiveSuccesses} consecutive success${inputs.consecutiveSuccesses === 1 ? '' : 'es'} needed, ` +
        `concurrency ${inputs.concurrency}`));
    for (const c of checks) {
        const headers = Object.entries((0,src_checks/* printableHeaders */.oe)(c.headers)).map(([k, v]) => `${k}: ${v}`);
        const label = c.name === `${c.method} ${c.displayUrl}` ? c.name : `${c.name}: ${c.method} ${c.displayUrl}`;
        deps.log.debug(safe(`${label}${headers.length ? ` [${headers.join(', ')}]` : ''}`));
    }
    const observed = await deps.log.group('Smoke checks', () => runChecks(checks, deps.probe ?? httpProbe(), {
        timeoutMs: inputs.timeoutMs,
        intervalMs: inputs.intervalMs,
        requestTimeoutMs: inputs.requestTimeoutMs,
        consecutiveSuccesses: inputs.consecutiveSuccesses,
        concurrency: inputs.concurrency,
        clock,
        ...(deps.random ? { random: deps.random } : {}),
        ...(deps.progressEveryMs ? { progressEveryMs: deps.progressEveryMs } : {}),
        log: (line) => deps.log.info(safe(line)),
    }));
    // Reasons can quote response bodies, which may echo a header back: redacted once, here.
    const outcomes = observed.map((o) => ({ ...o, reason: safe(o.reason) }));
    const passed = outcomes.filter((o) => o.passed).length;
    const failed = outcomes.length - passed;
    const result = failed === 0 ? 'success' : 'failure';
    const finishedAt = new Date(clock.now());
    const report = {
        result,
        passed,
        failed,
        total: outcomes.length,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        settings: {
            timeoutMs: inputs.timeoutMs,
            intervalMs: inputs.intervalMs,
            requestTimeoutMs: inputs.requestTimeoutMs,
            consecutiveSuccesses: inputs.consecutiveSuccesses,
            concurrency: inputs.concurrency,
        },
        checks: outcomes.map((o) => ({
            name: o.check.name,
            method: o.check.method,
            url: o.check.displayUrl,
            headers: (0,src_checks/* printableHeaders */.oe)(o.check.headers),
            expect: {
                status: (0,src/* formatStatusSet */.uu)(o.check.expect.status),
                ...(o.check.expect.json.length
                    ? { json: Object.fromEntries(o.check.expect.json.map((a) => [a.path, a.expected])) }
                    : {}),
                ...(o.check.expect.body ? { body: String(o.check.expect.body) } : {}),
                ...(o.check.expect.maxLatencyMs === undefined ? {} : { maxLatencyMs: o.check.expect.maxLatencyMs }),
            },
            result: o.passed ? 'passed' : 'failed',
            attempts: o.attempts,
            status: o.status ?? null,
            latencyMs: o.latencyMs === undefined ? null : Math.round(o.latencyMs),
            reason: o.reason,
            ...(o.kind ? { failure: o.kind } : {}),
            elapsedMs: Math.round(o.elapsedMs),
        })),
    };
    (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(inputs.reportPath), { recursive: true });
    (0,external_node_fs_.writeFileSync)(inputs.reportPath, `${safe(JSON.stringify(report, null, 2))}\n`);
    const summary = safe(summaryMarkdown(outcomes, inputs, report.durationMs));
    if (result === 'success')
        deps.log.info(`All ${passed} smoke checks passed in ${(0,src/* formatDuration */.a3)(report.durationMs)}`);
    else {
        for (const o of outcomes)
            if (!o.passed)
                deps.log.error(safe(`${o.check.name}: ${o.reason}`));
    }
    const first = outcomes.find((o) => !o.passed);
    const message = first
        ? `${failed} of ${outcomes.length} smoke checks failed (first: ${first.check.name}: ${first.reason})`
        : `all ${passed} smoke checks passed`;
    return { result, passed, failed, reportPath: inputs.reportPath, summary, message: safe(message), outcomes };
}
function summaryMarkdown(outcomes, inputs, durationMs) {
    const failed = outcomes.filter((o) => !o.passed).length;
    const head = failed === 0
        ? `### ✅ Smoke test passed: ${outcomes.length} of ${outcomes.length} checks`
        : `### ❌ Smoke test failed: ${failed} of ${outcomes.length} checks failed`;
    const table = (0,src/* markdownTable */.Qj)(['Check', 'Result', 'Attempts', 'Latency', 'Reason'], outcomes.map((o) => [
        `${o.check.name === `${o.check.method} ${o.check.displayUrl}` ? '' : `${o.check.name}<br>`}\`${o.check.method} ${o.check.displayUrl}\``,
        o.passed ? '✅ passed' : '❌ failed',
        o.attempts,
        o.latencyMs === undefined ? '' : (0,src/* formatDuration */.a3)(o.latencyMs),
        o.reason,
    ]));
    const settings = `Finished in ${(0,src/* formatDuration */.a3)(durationMs)}; deadline ${(0,src/* formatDuration */.a3)(inputs.timeoutMs)}, request timeout ` +
        `${(0,src/* formatDuration */.a3)(inputs.requestTimeoutMs)}, ${inputs.consecutiveSuccesses} consecutive success(es) per check, ` +
        `concurrency ${inputs.concurrency}. Secret header values are shown as ${src/* REDACTED */.XF}.`;
    return `${head}\n\n${table}\n\n${settings}\n`;
}


/***/ })

};
