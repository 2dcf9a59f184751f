import { type Caller } from './caller';
import { type Directory, type DirectoryUser } from './ports';

/**
 * The calling user as the directory knows them, so policy entries written with UPNs and Bookings staff
 * listed by email can be matched without trusting the token's `preferred_username` (which is mutable).
 * When the directory does not know the caller, only their object id is matched.
 */
export async function callerDirectoryEntry(caller: Caller, directory: Directory): Promise<DirectoryUser> {
    const found = await directory.findUser(caller.objectId);
    if (found !== null) return { ...found, id: caller.objectId };
    return { id: caller.objectId, userPrincipalName: '' };
}
