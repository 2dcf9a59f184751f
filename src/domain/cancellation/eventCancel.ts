import { BadRequestError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import type { CalendarGraph, EventLocator, EventSnapshot, GraphReceipt } from './graphPorts';
import { meetingKey } from '../feed/meetingKey';
import type { ItemRequest } from './itemRequest';
import type { Actor } from './record';

/** Graph's own words for an attendee trying to cancel (docs/graph.md §1). */
export const organizerOnlyMessage = "Your request can't be completed. You need to be an organizer to cancel a meeting.";

export interface CancelEventCommand {
    readonly tenantId: string;
    readonly actor: Actor;
    readonly event: EventLocator;
    /** Resolved mailbox owner (`user:<id>` or `group:<id>`), so every route form of one item has one key. */
    readonly mailbox: string;
    readonly eventId: string;
    readonly comment?: string | undefined;
    readonly clientRequestId?: string | undefined;
}

const isNotFound = (error: unknown) => error instanceof UpstreamError && error.status === 404;

/**
 * An event cancel as the shared attempt flow runs it: one event may be reached by several paths (calendars, groups,
 * an occurrence through its series), so the record's own path is asked about when the caller used another one.
 */
export function eventRequest(
    command: CancelEventCommand,
    calendar: CalendarGraph,
): ItemRequest<EventSnapshot & GraphReceipt> {
    const resourceKey = `event|${command.mailbox}|${command.eventId}`;
    return {
        tenantId: command.tenantId,
        kind: 'event',
        resourceKey,
        actor: command.actor,
        text: { comment: command.comment },
        read: () => calendar.getEvent(command.event, command.clientRequestId),
        isRecordPath: (record) => record.resource.graphPath === calendar.eventPath(command.event),
        readRecordPath: async (record) => {
            const own = { version: record.resource.version, graphPath: record.resource.graphPath };
            try {
                return (await calendar.getEvent(own, command.clientRequestId)).isCancelled ? 'cancelled' : 'active';
            } catch (error) {
                return isNotFound(error) ? 'gone' : 'unknown';
            }
        },
        isCancelled: (snapshot) => snapshot.isCancelled,
        mayCancel: (snapshot) => {
            if (!snapshot.isOrganizer) throw new BadRequestError('ErrorInvalidRequest', organizerOnlyMessage);
        },
        resource: (snapshot) => ({
            version: command.event.version,
            graphPath: calendar.eventPath(command.event),
            resourceKey,
            mailbox: command.mailbox,
            eventId: command.eventId,
            immutableId: snapshot.immutableId,
            eventType: snapshot.type,
            seriesMasterId: snapshot.seriesMasterId,
            iCalUId: snapshot.iCalUId,
            meetingKey: meetingKey({
                organizer: snapshot.organizer?.address,
                iCalUId: snapshot.iCalUId,
                start: snapshot.start,
            }),
            subject: snapshot.subject,
            start: snapshot.start,
            end: snapshot.end,
        }),
        audience: (snapshot) => snapshot.attendees,
        cancel: () => calendar.cancelEvent(command.event, command.comment, command.clientRequestId),
    };
}
