import { type Caller } from './caller';
import { sameId } from './identityMatch';
import { type TenantPolicy } from './tenantPolicy';

export type ApplicationGrant = TenantPolicy['applications'][number];

/** The policy entry of an app-only caller (matched on `azp`/`appid`), if any. */
export function applicationGrantFor(caller: Caller, policy: TenantPolicy): ApplicationGrant | undefined {
    return policy.applications.find((application) => sameId(application.appId, caller.appId));
}
