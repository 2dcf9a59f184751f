import { requireAdministrator } from '../../auth/permissions';
import type { TokenValidator } from '../../auth/tokenValidator';
import { reconcile, type ReconcileDeps } from '../../domain/reconciliation/reconciler';
import { type EdgeHandler, handle } from '../handle';

/** `POST /api/reconcile` (the `Cancellations.Admin` app role): runs one reconciliation pass now and returns its summary. */
export function reconcileNowHandler(deps: { tokens: TokenValidator; reconcile: ReconcileDeps }): EdgeHandler {
    return handle(async (request) => {
        const caller = await deps.tokens.authenticate(request.headers.get('authorization'));
        requireAdministrator(caller);
        return { status: 200, jsonBody: await reconcile(caller.tenantId, deps.reconcile) };
    });
}
