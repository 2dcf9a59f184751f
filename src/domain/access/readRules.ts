import { type Caller } from './caller';
import { grantedPermission, isAdministrator, routePermissions } from './permissions';
import { type CancellationRecord, isRequester } from '../cancellation/record';

/** A principal of the tenant: a user, or an app's service principal, by object id. */
export interface Principal {
    readonly tenantId: string;
    readonly objectId: string;
}

/**
 * Whether `principal` asked for the record: it performed the cancel, or made one of the attempts the record keeps.
 * Object ids are unique across the tenant's users and service principals, so tenant + object id names one user or one
 * app without looking at the kind.
 */
export function isOwnRecord(principal: Principal, record: CancellationRecord): boolean {
    return record.tenantId === principal.tenantId && isRequester(record, principal.objectId);
}

/**
 * Who may read a cancellation record (`GET /api/cancellations/{id}`, list, and the notifications of an owner's
 * subscription): an administrator any record; anyone else the records they asked for, while holding the permission that
 * made them (the event or the booking cancel permission).
 */
export function mayReadRecord(caller: Caller, record: CancellationRecord): boolean {
    if (isAdministrator(caller)) return true;
    const needed = record.kind === 'event' ? routePermissions.eventCancel : routePermissions.bookingCancel;
    return isOwnRecord(caller, record) && grantedPermission(caller, needed) !== undefined;
}
