import { AppError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import type { AppointmentLocator, BookingsGraph, CalendarGraph } from '../cancellation/graphPorts';
import { CheckSchedule } from '../cancellation/checkSchedule';
import { type OutboxDeps, saveAndNotify, sendPendingNotification } from '../cancellation/outbox';
import { defaultInFlightLockMs, isBusy } from '../cancellation/concurrentAttempt';
import { type CancellationRecord, historyOf, type ItemFinding, withAttempt, withOutcome } from '../cancellation/record';
import type { Clock } from '../ports/clock';
import type { ItemLookup, LookupAnswer, LookupOptions, LookupReport } from './graphLookups';
import { ConcurrencyConflict, type Stored } from '../shared/stored';
import { cancelRetryDelaysMs } from './cancelRetryDelays';
import { bulkJobMailboxLimits } from './bulkJobHeadroom';
import type { BulkJobStore } from '../bulk/job';

export interface ReconcileSettings {
    /** A pass starts nothing after this long; what is left stays due for the next tick. */
    readonly budgetMs: number;
    /** Delay before an accepted or repaired cancellation is checked (again). */
    readonly verifyDelayMs: number;
    /** Graph cancel attempts for a `pending` (or drifted) item before it is `failed`. */
    readonly maxCancelAttempts: number;
    /** Re-cancel a cancellation that came back (tenant policy `reconciliation.repairDrift`), or only report it. */
    readonly repairDrift: boolean;
    /** Due records read per page. */
    readonly pageSize: number;
    /** Backoff before each next cancel attempt (the last repeats); the setting's default is {@link cancelRetryDelaysMs}. */
    readonly cancelRetryDelaysMs: readonly number[];
}

export interface ReconcileDeps extends OutboxDeps {
    readonly lookups: (
        items: readonly ItemLookup[],
        options: Pick<LookupOptions, 'deadline' | 'maxPerMailboxFor'>,
    ) => Promise<LookupReport>;
    /** Unfinished bulk jobs: their mailboxes get smaller batches, leaving room for the job's write (issue 17). */
    readonly jobs: Pick<BulkJobStore, 'listUnfinishedJobs'>;
    readonly calendar: CalendarGraph;
    readonly bookings: BookingsGraph;
    readonly clock: Clock;
    readonly settings: ReconcileSettings;
}

export interface ReconcileSummary {
    checked: number;
    /** `pending` ones found done and moved to `accepted`. */
    finished: number;
    verified: number;
    drifted: number;
    repaired: number;
    failed: number;
    notificationsResent: number;
    graphCalls: number;
    throttled: number;
    /** Records another run changed first (optimistic concurrency): left to it. */
    conflicts: number;
    stoppedForBudget: boolean;
    durationMs: number;
}

/**
 * What a lookup showed of an item, or that Graph could not say; `immutableLookupRefused`: Graph refused the lookup by
 * immutable id (400) or answered it without the folder, e.g. because it does not serve `parentFolderId` on events
 * (VERIFY, docs/graph.md §2).
 */
type ItemState = ItemFinding | 'unknown' | 'immutableLookupRefused';

export { cancelRetryDelaysMs };

/** When reconciliation's writes make a record due next, from its settings. */
function scheduleOf(settings: ReconcileSettings) {
    return new CheckSchedule({ verifyDelayMs: settings.verifyDelayMs, retryDelaysMs: settings.cancelRetryDelaysMs });
}

/** The folder ids of a mailbox's calendars, and whether that is all of them (no further page). */
interface CalendarFolders {
    readonly ids: ReadonlySet<string>;
    readonly complete: boolean;
}

/** Graph's list of a user's calendars (`{value:[{id}]}`) or a group's one calendar (`{id}`). */
function calendarFoldersOf(answer: LookupAnswer | undefined): CalendarFolders | undefined {
    if (answer?.status !== 200) return undefined;
    const body = answer.body as { value?: unknown; id?: unknown; '@odata.nextLink'?: unknown } | undefined;
    const listed = Array.isArray(body?.value) ? (body.value as Array<{ id?: unknown }>) : [{ id: body?.id }];
    const ids = listed.map((c) => c.id).filter((id): id is string => typeof id === 'string');
    return { ids: new Set(ids), complete: body?.['@odata.nextLink'] === undefined };
}

/**
 * Gone (404), cancelled, or active; for an event found by its immutable id, where it is decides: Graph finds such an
 * item in Deleted Items too, so it is `active` only in one of the mailbox's calendars (docs/graph.md §2).
 */
function itemState(
    record: CancellationRecord,
    answer: LookupAnswer | undefined,
    calendars: CalendarFolders | undefined,
): ItemState {
    if (!answer) return 'unknown';
    if (answer.status === 404) return 'gone';
    if (answer.status === 400 && record.kind === 'event' && record.resource.immutableId !== undefined) {
        return 'immutableLookupRefused';
    }
    if (answer.status !== 200) return 'unknown';
    if (record.kind !== 'event') return 'active';
    const body = answer.body as { isCancelled?: unknown; parentFolderId?: unknown } | undefined;
    if (body?.isCancelled === true) return 'cancelled';
    if (record.resource.immutableId === undefined) return 'active';
    const folder = body?.parentFolderId;
    // Graph answered without the folder: asking again the same way would not tell either.
    if (typeof folder !== 'string') return 'immutableLookupRefused';
    if (!calendars) return 'unknown';
    if (calendars.ids.has(folder)) return 'active';
    return calendars.complete ? 'inDeletedItems' : 'unknown';
}

function recordedEvent({ resource }: CancellationRecord) {
    return { version: resource.version, graphPath: resource.graphPath, immutableId: resource.immutableId };
}

function lookupFor(record: CancellationRecord): ItemLookup {
    const { resource } = record;
    return {
        id: record.id,
        mailbox: resource.mailbox,
        version: resource.version,
        target:
            record.kind === 'event'
                ? { kind: 'event', event: recordedEvent(record) }
                : { kind: 'bookingAppointment', appointment: appointmentOf(record) },
    };
}

/** The key of a mailbox's calendars lookup (record ids never contain `|`-prefixed `calendars`). */
function calendarsLookupId(record: CancellationRecord): string {
    return `calendars|${record.resource.version}|${record.resource.mailbox.toLowerCase()}`;
}

/**
 * The lookups for a page of records: one per record and, for each mailbox holding events with immutable ids, one of
 * its calendars, first, so it travels in the mailbox's first batch.
 */
function lookupsFor(records: readonly CancellationRecord[]): ItemLookup[] {
    const calendars = new Map<string, ItemLookup>();
    for (const record of records) {
        const id = calendarsLookupId(record);
        if (record.kind !== 'event' || record.resource.immutableId === undefined || calendars.has(id)) continue;
        calendars.set(id, {
            id,
            mailbox: record.resource.mailbox,
            version: record.resource.version,
            target: { kind: 'calendars', event: recordedEvent(record) },
        });
    }
    return [...calendars.values(), ...records.map(lookupFor)];
}

function appointmentOf({ resource }: CancellationRecord): AppointmentLocator {
    return {
        version: resource.version,
        businessId: resource.businessId ?? '',
        appointmentId: resource.appointmentId ?? '',
    };
}

/** A summary with nothing counted yet. */
export function emptySummary(): ReconcileSummary {
    return {
        checked: 0,
        finished: 0,
        verified: 0,
        drifted: 0,
        repaired: 0,
        failed: 0,
        notificationsResent: 0,
        graphCalls: 0,
        throttled: 0,
        conflicts: 0,
        stoppedForBudget: false,
        durationMs: 0,
    };
}

/**
 * One reconciliation pass over a tenant's due cancellations: finish `pending` ones the HTTP path left (crash,
 * timeout), verify `accepted` ones with Graph JSON batching, and repair or report drift. It reads only due records
 * (the due index), stops starting work at its budget, and changes each record with its ETag, so two overlapping
 * passes never both act on one record.
 */
export async function reconcile(tenantId: string, deps: ReconcileDeps): Promise<ReconcileSummary> {
    const started = deps.clock.now().getTime();
    const deadline = started + deps.settings.budgetMs;
    // Graph answers in hand are still settled a little past the budget, a quarter of it at most: the default 240 s
    // budget then ends by 300 s, the function timeout.
    const settleDeadline = deadline + deps.settings.budgetMs / 4;
    const summary = emptySummary();
    const seen = new Set<string>();
    /** Read once per pass, when there is something to look up: jobs starting meanwhile wait for the next pass. */
    let maxPerMailboxFor: ReadonlyMap<string, number> | undefined;
    for (;;) {
        if (deps.clock.now().getTime() >= deadline) {
            summary.stoppedForBudget = true;
            break;
        }
        const now = deps.clock.now().toISOString();
        const due = (await deps.store.listDue(tenantId, now, deps.settings.pageSize)).filter(
            (r) => !seen.has(r.value.id),
        );
        if (due.length === 0) break;
        for (const record of due) seen.add(record.value.id);

        maxPerMailboxFor ??= await bulkJobMailboxLimits(tenantId, deps.jobs);
        const report = await deps.lookups(lookupsFor(due.map((r) => r.value)), { deadline, maxPerMailboxFor });
        summary.graphCalls += report.graphCalls;
        summary.throttled += report.throttled;
        const unfinished = new Set(report.unfinished);
        if (report.error !== undefined)
            deps.log(
                `reconcile: Graph lookups stopped early: ${report.error instanceof Error ? report.error.message : 'unknown error'}`,
            );
        for (const stored of due) {
            if (unfinished.has(stored.value.id)) continue;
            if (deps.clock.now().getTime() >= settleDeadline) {
                // Settling takes a few storage writes per record: under slow storage a large page ran minutes past the
                // budget and the function timeout (chaos run). What is left stays due, untouched, for the next pass.
                summary.stoppedForBudget = true;
                break;
            }
            summary.checked++;
            try {
                const answer = report.answers.get(stored.value.id);
                const calendars = calendarFoldersOf(report.answers.get(calendarsLookupId(stored.value)));
                await settle(stored, itemState(stored.value, answer, calendars), deps, summary, deadline);
            } catch (error) {
                if (!(error instanceof ConcurrencyConflict)) throw error;
                summary.conflicts++;
            }
        }
        if (unfinished.size > 0 || summary.stoppedForBudget) {
            summary.stoppedForBudget = true;
            break;
        }
    }
    summary.durationMs = deps.clock.now().getTime() - started;
    return summary;
}

async function settle(
    stored: Stored<CancellationRecord>,
    state: ItemState,
    deps: ReconcileDeps,
    summary: ReconcileSummary,
    deadline: number,
): Promise<void> {
    let current = stored;
    const now = deps.clock.now();
    const schedule = scheduleOf(deps.settings);
    if (current.value.notificationPending) {
        current = await sendPendingNotification(current, deps);
        if (current.value.notificationPending) {
            // The queue is still down: the owed message must go first, so the state waits for a later pass.
            await deps.store.update(
                { ...current.value, nextCheckAt: schedule.notificationStillOwed(now) },
                current.etag,
            );
            return;
        }
        summary.notificationsResent++;
    }
    const record = current.value;
    const base = {
        ...record,
        updatedAt: now.toISOString(),
        ...(state === 'unknown' || state === 'immutableLookupRefused' ? {} : { lastFinding: state }),
    };

    if (isBusy(record, now, defaultInFlightLockMs)) {
        // A request is calling Graph for this item right now: its answer, not this pass, settles the record.
        return;
    }
    if (state === 'immutableLookupRefused') {
        // Asked again the same way it would be refused again, every pass: the record goes back to the lookup by its
        // regular id, as before immutable ids (a restore is then not seen, but the record is verified, not stuck).
        const resource = { ...base.resource, immutableId: undefined };
        await deps.store.update({ ...base, resource, nextCheckAt: schedule.graphUnsure(now) }, current.etag);
        return;
    }
    if (state === 'unknown') {
        // Graph could not say (an error, or no answer before the budget ran out): look again later.
        await deps.store.update({ ...base, nextCheckAt: schedule.graphUnsure(now) }, current.etag);
        return;
    }
    const done = state !== 'active';
    switch (record.state) {
        case 'pending':
            if (done) {
                await saveAndNotify(
                    { ...base, state: 'accepted', nextCheckAt: schedule.accepted(now) },
                    current.etag,
                    deps,
                );
                summary.finished++;
                return;
            }
            return cancelAgain(current, 'accepted', deps, summary, deadline);
        case 'accepted':
            if (done) {
                await saveAndNotify(
                    { ...base, state: 'verified', nextCheckAt: schedule.finished() },
                    current.etag,
                    deps,
                );
                summary.verified++;
                return;
            }
            {
                // The ETag makes exactly one pass the owner of this drift; only the owner repairs.
                const drifted = await saveAndNotify(
                    {
                        ...base,
                        state: 'drifted',
                        nextCheckAt: schedule.drifted(now, deps.settings.repairDrift),
                    },
                    current.etag,
                    deps,
                );
                summary.drifted++;
                if (deps.settings.repairDrift) await cancelAgain(drifted, 'repaired', deps, summary, deadline);
            }
            return;
        case 'drifted':
            if (done) {
                await deps.store.update({ ...base, state: 'repaired', nextCheckAt: schedule.finished() }, current.etag);
                summary.repaired++;
                return;
            }
            return cancelAgain(current, 'repaired', deps, summary, deadline);
        default:
            // verified, repaired and failed are final: nothing is due for them.
            await deps.store.update({ ...base, nextCheckAt: schedule.finished() }, current.etag);
    }
}

/**
 * Cancels the item again through Graph; on success → `success`, else a later retry or, past the limit (or on Graph's
 * definite refusal), `failed`. The attempt is claimed first with the record's ETag (attempts + 1, next check later),
 * so of two passes holding the same record only one ever calls Graph.
 */
async function cancelAgain(
    stored: Stored<CancellationRecord>,
    success: 'accepted' | 'repaired',
    deps: ReconcileDeps,
    summary: ReconcileSummary,
    deadline: number,
): Promise<void> {
    const claimedAt = deps.clock.now();
    const schedule = scheduleOf(deps.settings);
    if (claimedAt.getTime() >= deadline) {
        // No Graph call starts past the budget: the record stays due for the next tick.
        summary.stoppedForBudget = true;
        return;
    }
    const attempts = stored.value.attempts + 1;
    const claim = await deps.store.update(
        {
            ...stored.value,
            attempts,
            history: withAttempt(historyOf(stored.value), {
                actor: stored.value.actor,
                comment: stored.value.comment,
                cancellationMessage: stored.value.cancellationMessage,
                at: claimedAt.toISOString(),
                outcome: 'inFlight',
                by: 'reconciliation',
            }),
            updatedAt: claimedAt.toISOString(),
            nextCheckAt: schedule.retryClaimed(claimedAt, attempts),
        },
        stored.etag,
    );
    const record = claim.value;
    let requestId: string | undefined;
    let error: AppError | undefined;
    summary.graphCalls++;
    try {
        const receipt =
            record.kind === 'event'
                ? await deps.calendar.cancelEvent(recordedEvent(record), record.comment)
                : await deps.bookings.cancelAppointment(appointmentOf(record), record.cancellationMessage ?? '');
        requestId = receipt.requestId;
    } catch (thrown) {
        if (!(thrown instanceof AppError)) throw thrown;
        error = thrown;
    }
    const now = deps.clock.now();
    const graphRequestIds = requestId ? [...record.graphRequestIds, requestId] : record.graphRequestIds;
    const refused = error instanceof UpstreamError && error.outcome === 'rejected';
    const outcome = !error ? 'accepted' : refused ? 'refused' : 'unknown';
    const base = {
        ...record,
        graphRequestIds,
        history: withOutcome(record.history, outcome),
        updatedAt: now.toISOString(),
    };
    if (!error) {
        const next = { ...base, state: success, lastError: undefined };
        if (success === 'accepted') {
            await saveAndNotify({ ...next, nextCheckAt: schedule.accepted(now) }, claim.etag, deps);
            summary.finished++;
        } else {
            await deps.store.update({ ...next, nextCheckAt: schedule.finished() }, claim.etag);
            summary.repaired++;
        }
        return;
    }
    const lastError = { status: error.status, code: error.code, message: error.message };
    if (refused || attempts >= deps.settings.maxCancelAttempts) {
        await saveAndNotify(
            { ...base, state: 'failed', lastError, nextCheckAt: schedule.finished() },
            claim.etag,
            deps,
        );
        summary.failed++;
        return;
    }
    await deps.store.update({ ...base, lastError, nextCheckAt: schedule.failedRetryable(record) }, claim.etag);
}
