import { type EmuRequest } from './http';
import { type IdType } from './store/events';

/** `Prefer: IdType="ImmutableId"` (quotes optional, any case, among other preferences), per request or `$batch` item. */
export function preferredIdType(req: EmuRequest): IdType {
    const prefer = req.headers.prefer ?? '';
    return /(?:^|[,;\s])idtype\s*=\s*"?immutableid"?(?:$|[,;\s])/i.test(prefer) ? 'immutable' : 'regular';
}

/** Graph confirms the preference it honoured (docs/emulator.md, "Ids"). */
export function idTypeHeaders(idType: IdType): Record<string, string> {
    return idType === 'immutable' ? { 'Preference-Applied': 'IdType="ImmutableId"' } : {};
}
