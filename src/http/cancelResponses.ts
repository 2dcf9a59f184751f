import type { HttpResponseInit } from '@azure/functions';
import type { Caller } from '../domain/access/caller';
import type { CancelOutcome } from '../domain/cancellation/cancellationService';
import type { AccessBasis, Actor } from '../domain/cancellation/record';
import { publicPath } from './routes/routePrefix';

/** The record's actor: who asked, and why they were allowed (what the authorize step decided). */
export function actorOf(caller: Caller, basis: AccessBasis): Actor {
    return {
        kind: caller.kind,
        objectId: caller.objectId,
        userPrincipalName: caller.userPrincipalName,
        appId: caller.appId,
        basis,
    };
}

/** Graph's success: 202 (event) or 204 (booking) with an empty body, plus where our record of it lives. */
export function cancelledResponse(outcome: CancelOutcome, status: 202 | 204): HttpResponseInit {
    return {
        status,
        headers: {
            Location: publicPath(`cancellations/${outcome.record.id}`),
            ...(outcome.replayed ? { 'Cancellation-Replayed': 'true' } : {}),
        },
    };
}
