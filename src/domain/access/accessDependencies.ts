import { type BookingStaffDirectory, type Directory } from './ports';
import { type TenantPolicy } from './tenantPolicy';

/** What the access decisions need; pass cached ports (see cachedPorts.ts) in production. */
export interface MailboxAccessDependencies {
    readonly directory: Directory;
    readonly policy: TenantPolicy;
}

export interface BookingAccessDependencies extends MailboxAccessDependencies {
    readonly bookingStaff: BookingStaffDirectory;
}
