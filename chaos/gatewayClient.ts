import { mintToken } from '../dev/identity/mintToken';

/** The app the local tenant policy (TENANT_POLICY) lets into every mailbox and business. */
export const chaosAppId = 'ca9ce1a7-0000-4000-8000-0000000000d4';
const tokenLifetimeSeconds = 3_600;
const tokenRefreshMs = 10 * 60_000;

/** A cancellation record as `GET /api/cancellations` shows it (the fields the checks read). */
export interface RecordView {
    id: string;
    kind: 'event' | 'bookingAppointment';
    state: string;
    resource: { eventId?: string; appointmentId?: string };
    attempts: number;
    lastError?: { status: number; code: string; message: string };
}

export interface DeliveryView {
    id: string;
    subscriptionId: string;
    cancellationId: string;
    eventType: string;
    state: string;
    attempts: number;
    lastStatus?: number;
    lastError?: string;
}

/** A notification the poison drain parked, as `GET /api/parkedNotifications` shows it. */
export interface ParkedNotificationView {
    id: string;
    state: string;
    eventType?: string;
    cancellationId?: string;
    redrives: number;
}

/** Tokens minted by the emulator's dev tenant, renewed well before they expire. */
export function tokenSource(issuerHost: string) {
    const cache = new Map<string, { token: string; at: number }>();
    return (roles: readonly string[]): string => {
        const key = roles.join(' ');
        const cached = cache.get(key);
        if (cached && Date.now() - cached.at < tokenRefreshMs) return cached.token;
        const token = mintToken({
            app: chaosAppId,
            roles: [...roles],
            issuerHost,
            expiresInSeconds: tokenLifetimeSeconds,
        });
        cache.set(key, { token, at: Date.now() });
        return token;
    };
}

export const cancelRoles = ['Calendars.ReadWrite', 'Bookings.ReadWrite.All'] as const;
export const adminRoles = ['Cancellations.Admin', 'Subscriptions.ReadWrite.All'] as const;

/** The gateway's own routes the chaos run uses as an operator (admin token). */
export function gatewayAdmin(gatewayUrl: string, token: () => string) {
    const get = async <T>(url: string): Promise<T> => {
        const response = await fetch(url, {
            headers: { Authorization: `Bearer ${token()}` },
            signal: AbortSignal.timeout(30_000),
        });
        if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
        return (await response.json()) as T;
    };
    const post = (route: string, body?: unknown) =>
        fetch(`${gatewayUrl}/api/${route}`, {
            method: 'POST',
            headers: {
                Authorization: `Bearer ${token()}`,
                ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(120_000),
        });
    return {
        async subscribe(notificationUrl: string, eventTypes: readonly string[]) {
            const response = await post('subscriptions', { notificationUrl, eventTypes, description: 'chaos run' });
            const body = (await response.json()) as { id?: string; secret?: string };
            if (response.status !== 201 || !body.id || !body.secret) {
                throw new Error(`subscription refused (${response.status}): ${JSON.stringify(body)}`);
            }
            return { id: body.id, secret: body.secret };
        },
        /** One reconciliation pass now; its summary, or the reason it did not run. */
        async reconcile(): Promise<{ checked: number } | string> {
            try {
                const response = await post('reconcile');
                if (response.status !== 200) return `reconcile answered ${response.status}`;
                return (await response.json()) as { checked: number };
            } catch (error) {
                return `reconcile: ${(error as Error).message}`;
            }
        },
        /** Every record (all pages). */
        async records(): Promise<RecordView[]> {
            const all: RecordView[] = [];
            let next: string | undefined = `${gatewayUrl}/api/cancellations?$top=200`;
            while (next) {
                const page: { value: RecordView[]; '@odata.nextLink'?: string } = await get(next);
                all.push(...page.value);
                next = page['@odata.nextLink'];
            }
            return all;
        },
        async anyRecordIn(state: string): Promise<boolean> {
            const page = await get<{ value: unknown[] }>(`${gatewayUrl}/api/cancellations?state=${state}&$top=1`);
            return page.value.length > 0;
        },
        async deliveries(state: string, top = 200): Promise<DeliveryView[]> {
            return (await get<{ value: DeliveryView[] }>(`${gatewayUrl}/api/deliveries?state=${state}&$top=${top}`))
                .value;
        },
        /** Every notification the poison drain parked (all pages, any state). */
        async parkedNotifications(): Promise<ParkedNotificationView[]> {
            const all: ParkedNotificationView[] = [];
            let next: string | undefined = `${gatewayUrl}/api/parkedNotifications?$top=200`;
            while (next) {
                const page: { value: ParkedNotificationView[]; '@odata.nextLink'?: string } = await get(next);
                all.push(...page.value);
                next = page['@odata.nextLink'];
            }
            return all;
        },
        async recover(subscriptionId: string, since: string): Promise<number> {
            const response = await post(`subscriptions/${subscriptionId}/recover`, { since });
            if (!response.ok) throw new Error(`recover answered ${response.status}`);
            return ((await response.json()) as { replayed?: number }).replayed ?? 0;
        },
    };
}

export type GatewayAdmin = ReturnType<typeof gatewayAdmin>;
