import { reconcile, type ReconcileDeps } from '../../domain/reconciliation/reconciler';
import type { RouteHandler } from '../routes/contract';
import type { ReconcileSummaryView } from '../schemas';

/** `POST /api/reconcile` (the `Cancellations.Admin` app role): runs one reconciliation pass now and returns its summary. */
export function reconcileNowHandler(deps: {
    reconcile: ReconcileDeps;
}): RouteHandler<undefined, undefined, ReconcileSummaryView> {
    return async ({ caller }) => ({ status: 200, jsonBody: await reconcile(caller.tenantId, deps.reconcile) });
}
