import { devTenant } from '../identity/devTenant';
import { MailboxConcurrency } from './concurrency';
import { Faults } from './faults';
import { RequestLog } from './requestLog';
import { type Tenant } from './store/tenant';

/** Everything one emulator instance holds; the HTTP and HTTPS listeners share it. */
export class EmulatorState {
    readonly faults = new Faults();
    readonly log = new RequestLog();
    readonly concurrency = new MailboxConcurrency();
    /** Origin of the TLS twin (`https://localhost:7444`): the authority host and token issuer base. */
    tlsOrigin = '';

    constructor(public tenant: Tenant) {}

    /** Tenants whose tokens and OIDC documents the emulator serves: the fixture's and the dev tenant. */
    knownTenants(): Set<string> {
        return new Set([this.tenant.tenantId.toLowerCase(), devTenant.tenantId.toLowerCase()]);
    }
}
