import { isAdministrator } from '../../auth/permissions';
import type { RouteHandler } from '../routes/contract';
import type { WhoAmI } from '../schemas';

/** `GET /api/whoami`: who the gateway takes the caller for. */
export function whoAmIHandler(): RouteHandler<undefined, undefined, WhoAmI> {
    return ({ caller }) =>
        Promise.resolve({
            status: 200,
            jsonBody: { kind: caller.kind, objectId: caller.objectId, administrator: isAdministrator(caller) },
        });
}
