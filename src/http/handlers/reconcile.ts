import { routePermissions, requirePermission } from '../../auth/permissions';
import type { TokenValidator } from '../../auth/tokenValidator';
import { reconcile, type ReconcileDeps } from '../../domain/reconciliation/reconciler';
import { type EdgeHandler, handle } from '../handle';

/** `POST /api/reconcile` (`Cancellations.Admin`): runs one reconciliation pass now and returns its summary. */
export function reconcileNowHandler(deps: { tokens: TokenValidator; reconcile: ReconcileDeps }): EdgeHandler {
    return handle(async (request) => {
        const caller = await deps.tokens.authenticate(request.headers.get('authorization'));
        requirePermission(caller, routePermissions.admin);
        return { status: 200, jsonBody: await reconcile(caller.tenantId, deps.reconcile) };
    });
}
