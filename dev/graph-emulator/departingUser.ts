import { devTenant } from '../identity/devTenant';
import { type Fixture } from './fixture';
import { mulberry32 } from './seededRandom';

type FixtureEventInput = NonNullable<Fixture['events']>[number];
type FixtureUserInput = Fixture['users'][number];

/** The departing user of the offboarding preset (docs/emulator.md "Departing user"). */
export const departingUser = {
    id: 'da0a0000-0000-4000-8000-000000000004',
    userPrincipalName: 'dana@contoso.test',
    displayName: 'Dana Davis',
} as const;

/** The window the calendar is built around: today 00:00 UTC (D0) to D0 + 90 days. */
export const offboardingWindowDays = 90;

export const offboardingCategories = ['Customer', 'Internal', 'Project Falcon', 'Hiring', 'Personal'] as const;

const day = 86_400_000;
const hour = 3_600_000;
const minute = 60_000;
const seed = 17;

const iso = (ms: number): string => new Date(ms).toISOString();

const topics = [
    'Customer call',
    'Pipeline review',
    'Design review',
    'Hiring panel',
    'Vendor demo',
    'Budget check-in',
    'Roadmap sync',
    'Contract review',
    'Onboarding session',
    'Incident review',
];
const soloTopics = ['Focus time', 'Dentist', 'Expense reports', 'Travel', 'Prep'];
const externals = ['erin@fabrikam.test', 'frank@northwind.test', 'grace@fabrikam.test'];
const room = { address: 'room-falcon@contoso.test', name: 'Room Falcon', type: 'resource' as const };

/**
 * Dana's calendar, the same for the same D0: about 120 meetings and appointments she organizes from 60 days before
 * D0 to 120 days after (about a third without attendees, some with a room), series that started before the window,
 * start inside it, or ended before it (some with exceptions, one without attendees), and invitations from alice and
 * bob (singles and series). Categories on about half of them.
 */
export function departingUserEvents(d0: number): FixtureEventInput[] {
    const random = mulberry32(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const [alice, bob, carol] = devTenant.users;
    const colleagues = [alice.userPrincipalName, bob.userPrincipalName, carol.userPrincipalName];
    const dana = departingUser.userPrincipalName;

    /** A weekday between `fromDay` and `toDay` (offsets from D0), 08:00–16:45 UTC on a quarter hour. */
    const slot = (fromDay: number, toDay: number): number => {
        let offset = fromDay + Math.floor(random() * (toDay - fromDay));
        const weekday = new Date(d0 + offset * day).getUTCDay();
        if (weekday === 6) offset += 2;
        if (weekday === 0) offset += 1;
        return d0 + offset * day + 8 * hour + Math.floor(random() * 36) * 15 * minute;
    };
    const categories = (): string[] => {
        const n = Math.floor(random() * 3) - 1;
        return n <= 0 ? [] : [...new Set(Array.from({ length: n }, () => pick(offboardingCategories)))];
    };
    const events: FixtureEventInput[] = [];

    for (let i = 0; i < 120; i++) {
        const start = slot(-60, 120);
        const duration = pick([30, 30, 60, 60, 90]) * minute;
        const solo = random() < 0.3;
        const attendees: NonNullable<FixtureEventInput['attendees']> = solo
            ? []
            : [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(colleagues)))];
        if (!solo && random() < 0.25) attendees.push(pick(externals));
        if (!solo && random() < 0.2) attendees.push(room);
        events.push({
            subject: `${solo ? pick(soloTopics) : pick(topics)} #${i + 1}`,
            organizer: dana,
            start: iso(start),
            end: iso(start + duration),
            attendees,
            categories: categories(),
        });
    }

    const series = (
        subject: string,
        organizer: string,
        startDay: number,
        startHour: number,
        interval: number,
        numberOfOccurrences: number,
        attendees: NonNullable<FixtureEventInput['attendees']>,
        extra: Partial<FixtureEventInput> = {},
    ): FixtureEventInput => {
        const start = d0 + startDay * day + startHour * hour;
        return {
            subject,
            organizer,
            start: iso(start),
            end: iso(start + 30 * minute),
            attendees,
            recurrence: { pattern: 'weekly', interval, numberOfOccurrences },
            categories: categories(),
            ...extra,
        };
    };
    const moved = (startDay: number, startHour: number, index: number, interval: number, subject: string) => {
        const start = d0 + (startDay + index * 7 * interval) * day + (startHour + 1) * hour;
        return { index, subject, start: iso(start), end: iso(start + 30 * minute) };
    };

    // Dana's series: before the window and into it, inside it, after it, ended before it, without attendees.
    events.push(
        series('Weekly ops review', dana, -56, 10, 1, 20, [alice.userPrincipalName, bob.userPrincipalName], {
            exceptions: [moved(-56, 10, 9, 1, 'Weekly ops review (moved)')],
        }),
        series('Team standup', dana, -28, 9, 1, 52, colleagues),
        series('Monthly planning', dana, -84, 14, 4, 8, [carol.userPrincipalName, room]),
        series('Project Falcon sync', dana, 14, 15, 1, 10, [carol.userPrincipalName, 'erin@fabrikam.test'], {
            exceptions: [moved(14, 15, 2, 1, 'Project Falcon sync (moved)')],
            categories: ['Project Falcon'],
        }),
        series('Mentoring', dana, 30, 11, 2, 6, [bob.userPrincipalName]),
        series('Gym', dana, -14, 7, 1, 30, []),
        series('Old retrospective', dana, -100, 13, 1, 8, [alice.userPrincipalName]),
    );

    // Invitations: dana is an attendee; the organizer's items are in alice's and bob's mailboxes.
    for (let i = 0; i < 20; i++) {
        const start = slot(-30, 100);
        events.push({
            subject: `Alice's ${pick(topics).toLowerCase()} #${i + 1}`,
            organizer: alice.userPrincipalName,
            start: iso(start),
            end: iso(start + 60 * minute),
            attendees: random() < 0.5 ? [dana] : [dana, bob.userPrincipalName],
            categories: categories(),
        });
    }
    for (let i = 0; i < 15; i++) {
        const start = slot(-30, 100);
        events.push({
            subject: `Bob's ${pick(topics).toLowerCase()} #${i + 1}`,
            organizer: bob.userPrincipalName,
            start: iso(start),
            end: iso(start + 30 * minute),
            attendees: [dana],
        });
    }
    events.push(
        series('Architecture council', alice.userPrincipalName, -21, 16, 1, 16, [dana, bob.userPrincipalName], {
            exceptions: [moved(-21, 16, 5, 1, 'Architecture council (moved)')],
        }),
        series('Sales sync', bob.userPrincipalName, 7, 12, 1, 12, [dana]),
    );
    return events;
}

export function departingUserEntry(): FixtureUserInput {
    return { ...departingUser, mail: departingUser.userPrincipalName };
}
