import { devTenant } from '../identity/devTenant';
import { MailboxConcurrency } from './concurrency';
import { Faults } from './faults';
import { Notifier } from './feed/notifier';
import { RequestLog } from './requestLog';
import { SendingLimit } from './sendingLimit';
import { type Tenant } from './store/tenant';
import { type Clock, EmulatorClock } from './time';

/** Everything one emulator instance holds; the HTTP and HTTPS listeners share it. */
export class EmulatorState {
    readonly faults = new Faults();
    readonly log = new RequestLog();
    readonly concurrency = new MailboxConcurrency();
    /** "Now" for limits over time; `POST /_emulator/clock/advance` moves it. */
    readonly clock: EmulatorClock;
    readonly sendingLimit: SendingLimit;
    /** Graph subscriptions and the change and lifecycle notifications they get (feed/). */
    readonly notifier: Notifier;
    /** Origin of the TLS twin (`https://localhost:7444`): the authority host and token issuer base. */
    tlsOrigin = '';

    constructor(
        public tenant: Tenant,
        baseClock?: Clock,
    ) {
        this.clock = new EmulatorClock(baseClock);
        this.sendingLimit = new SendingLimit(this.clock);
        this.notifier = new Notifier(() => this.clock.now());
    }

    /** Tenants whose tokens and OIDC documents the emulator serves: the fixture's and the dev tenant. */
    knownTenants(): Set<string> {
        return new Set([this.tenant.tenantId.toLowerCase(), devTenant.tenantId.toLowerCase()]);
    }
}
