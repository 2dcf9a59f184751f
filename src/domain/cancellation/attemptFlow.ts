import { AppError, ServiceUnavailableError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import { AnotherWriterFirst, beforeGraph, unwrap } from './anotherWriterFirst';
import type { AttemptContext } from './cancellationDeps';
import { defaultInFlightLockMs, defaultWaitForOtherAttemptMs, isBusy, waitForOtherAttempt } from './concurrentAttempt';
import { accept, callGraph } from './graphAnswer';
import type { GraphReceipt } from './graphPorts';
import type { CancelOutcome, GraphRead, ItemRequest, Requester } from './itemRequest';
import { saveAndNotify } from './outbox';
import { type CancellationRecord, historyOf, withAttempt } from './record';
import type { Stored } from '../shared/stored';

const finishedStates = new Set(['accepted', 'verified', 'repaired']);
/** Rounds of "another request got there first" before giving up with a 409. */
const maxRounds = 3;

const isNotFound = (error: unknown) => error instanceof UpstreamError && error.status === 404;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Asks Graph for the item, reads what the gateway already did for it, then decides. A record another request is
 * working on is waited for and its result replayed. Otherwise Graph's answer decides, and only an answer about the
 * record's own item: gone or cancelled finishes a `pending` record and replays a finished one; active means cancel
 * (again): a `pending` or `drifted` record gets a new attempt, a finished one has drifted (as reconciliation would
 * find) and is re-cancelled as `drifted` → `repaired`. Failed ones are history only.
 */
export async function runAttempt<S extends GraphReceipt>(
    context: AttemptContext,
    request: ItemRequest<S>,
): Promise<CancelOutcome> {
    const { deps } = context;
    const read: GraphRead<S> = await request.read().then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
    );
    const find = () => deps.store.findByResource(request.tenantId, request.resourceKey);
    // Graph shows the item active: almost always the item's first cancel, so the record is created without reading
    // the store first (one Storage round trip less). The create inserts the item's pointer only if none exists; if a
    // record holds it, the create writes nothing and the record is read and decided on below, as if read first.
    const assumeFirst = read.ok && !request.isCancelled(read.value);
    let found = assumeFirst ? null : await find();
    for (let round = assumeFirst ? 0 : 1; ; round++) {
        if (found && isBusy(found.value, deps.clock.now(), inFlightLockMs(context))) {
            return replayOther(context, found);
        }
        try {
            return await decide(context, request, found, read);
        } catch (error) {
            // Another request created the item's record or changed this one first (before any Graph call of
            // this request): decide again on the record as it is now, waiting for its attempt if one runs.
            if (!(error instanceof AnotherWriterFirst) || round >= maxRounds) throw unwrap(error);
            found = await find();
        }
    }
}

async function decide<S extends GraphReceipt>(
    context: AttemptContext,
    request: ItemRequest<S>,
    found: Stored<CancellationRecord> | null,
    read: GraphRead<S>,
): Promise<CancelOutcome> {
    const { deps } = context;
    if (!read.ok && !isNotFound(read.error)) throw read.error;
    const earlier = found && found.value.state !== 'failed' ? found : undefined;
    if (!read.ok) {
        const graphRequestId = read.error instanceof UpstreamError ? read.error.graphRequestId : undefined;
        // Graph's 404 for another path (another calendar) says nothing of the record's item: ask about that one.
        const state = !earlier
            ? 'unknown'
            : request.isRecordPath(earlier.value)
              ? 'gone'
              : await request.readRecordPath(earlier.value);
        if (earlier && (state === 'gone' || state === 'cancelled')) {
            return beforeGraph(() => finishFound(context, earlier, request, graphRequestId));
        }
        // No record, or its item is still there (or Graph could not say): Graph's 404 for this path stands, and
        // the record is left to reconciliation.
        throw read.error;
    }
    const snapshot = read.value;
    if (earlier && request.isCancelled(snapshot)) {
        return beforeGraph(() => finishFound(context, earlier, request, snapshot.requestId));
    }
    request.mayCancel(snapshot);
    if (!earlier) {
        const created = await beforeGraph(() => recordIntent(context, request, snapshot, found?.value.id));
        return callGraph(context, created, snapshot.requestId, request.cancel, 'accepted');
    }
    const record = earlier.value;
    if (record.state === 'pending' || record.state === 'drifted') {
        const claimed = await beforeGraph(() => deps.store.update(claim(context, record, request), earlier.etag));
        return callGraph(
            context,
            claimed,
            snapshot.requestId,
            request.cancel,
            record.state === 'pending' ? 'accepted' : 'repaired',
        );
    }
    // A finished cancellation whose item is active again has drifted: announced and re-cancelled as
    // reconciliation does (`drifted` → `repaired`), in one conditional write that also claims the attempt.
    const drifted = await beforeGraph(() =>
        saveAndNotify({ ...claim(context, record, request), state: 'drifted' }, earlier.etag, deps),
    );
    return callGraph(context, drifted, snapshot.requestId, request.cancel, 'repaired');
}

/** The record with a new attempt by this caller in flight; the caller becomes its actor, with their text. */
function claim({ deps, schedule }: AttemptContext, record: CancellationRecord, request: Requester): CancellationRecord {
    const now = deps.clock.now();
    return {
        ...record,
        actor: request.actor,
        comment: request.text.comment,
        cancellationMessage: request.text.cancellationMessage,
        updatedAt: now.toISOString(),
        history: withAttempt(historyOf(record), {
            actor: request.actor,
            ...request.text,
            at: now.toISOString(),
            outcome: 'inFlight',
        }),
        nextCheckAt: schedule.requestClaimed(now),
    };
}

/**
 * Graph shows the record's own item gone or cancelled: a finished record is replayed; a `pending` one is finished
 * as accepted (an earlier attempt did it) and a `drifted` one as repaired, the caller's request kept in its history.
 */
async function finishFound(
    context: AttemptContext,
    stored: Stored<CancellationRecord>,
    request: Requester,
    graphRequestId: string | undefined,
): Promise<CancelOutcome> {
    const { deps, schedule } = context;
    const record = stored.value;
    if (finishedStates.has(record.state)) return { record, replayed: true };
    const now = deps.clock.now().toISOString();
    const history = withAttempt(historyOf(record), {
        actor: request.actor,
        ...request.text,
        at: now,
        outcome: 'foundDone',
    });
    if (record.state === 'drifted') {
        const repaired = await deps.store.update(
            { ...record, state: 'repaired', history, updatedAt: now, nextCheckAt: schedule.finished() },
            stored.etag,
        );
        return { record: repaired.value, replayed: true };
    }
    const accepted = await accept(context, { ...stored, value: { ...record, history } }, graphRequestId);
    return { record: accepted, replayed: true };
}

/** Another request's attempt at this item is running: its result, once it has one, is this request's answer. */
async function replayOther(context: AttemptContext, found: Stored<CancellationRecord>): Promise<CancelOutcome> {
    const { deps } = context;
    const record = await waitForOtherAttempt(found, {
        store: deps.store,
        clock: deps.clock,
        sleep: deps.sleep ?? defaultSleep,
        inFlightLockMs: inFlightLockMs(context),
        waitMs: deps.settings.waitForOtherAttemptMs ?? defaultWaitForOtherAttemptMs,
    });
    if (finishedStates.has(record.state)) return { record, replayed: true };
    // It failed, or ended without an answer from Graph: the same answer, so a retry starts afresh.
    const error = record.lastError;
    if (error) throw new AppError(error.status, error.code, error.message);
    throw new ServiceUnavailableError('Another request for this item ended without a result; retry.', 1);
}

function inFlightLockMs({ deps }: AttemptContext): number {
    return deps.settings.inFlightLockMs ?? defaultInFlightLockMs;
}

async function recordIntent<S extends GraphReceipt>(
    { deps, schedule }: AttemptContext,
    request: ItemRequest<S>,
    snapshot: S,
    replaces: string | undefined,
): Promise<Stored<CancellationRecord>> {
    const now = deps.clock.now();
    return deps.store.create(
        {
            id: deps.newId(),
            tenantId: request.tenantId,
            kind: request.kind,
            state: 'pending',
            createdAt: now.toISOString(),
            updatedAt: now.toISOString(),
            actor: request.actor,
            resource: request.resource(snapshot),
            ...request.text,
            audience: request.audience(snapshot),
            graphRequestIds: [],
            attempts: 0,
            history: [{ actor: request.actor, ...request.text, at: now.toISOString(), outcome: 'inFlight' }],
            notificationPending: false,
            nextCheckAt: schedule.requestClaimed(now),
        },
        replaces,
    );
}
