/** Ports the access decisions use to ask the directory; Graph-backed adapters implement them. */

export interface DirectoryUser {
    /** Object id. */
    readonly id: string;
    readonly userPrincipalName: string;
    /** Primary SMTP address, when it differs from the UPN (Bookings staff are listed by email). */
    readonly mail?: string | null;
}

export interface Directory {
    /** The user with this object id or UPN, or `null` when there is none. */
    findUser(idOrUpn: string): Promise<DirectoryUser | null>;
    /** Whether the user (object id) is a member of the group. A missing group is `false`. */
    isGroupMember(groupId: string, userId: string): Promise<boolean>;
}

export interface BookingStaffMember {
    readonly emailAddress: string;
    /** Graph's `bookingStaffRole`: administrator, scheduler, viewer, guest, externalGuest, teamMember, … */
    readonly role: string;
}

export interface BookingStaffDirectory {
    /** The staff of a booking business, or `null` when the business does not exist. */
    listStaff(businessId: string): Promise<readonly BookingStaffMember[] | null>;
}
