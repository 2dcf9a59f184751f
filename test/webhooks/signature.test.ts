import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { signWebhook, webhookHeaders } from '../../src/domain/webhooks/signature';
import { newSigningSecret } from '../../src/domain/webhooks/signingSecret';

const body = JSON.stringify({
    type: 'event.cancelled',
    timestamp: '2026-11-22T10:00:00.000Z',
    data: { comment: 'Grüße — cancelled ✓' },
});
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('webhookHeaders', () => {
    const current = newSigningSecret(randomBytes, new Date()).secret;
    const previous = newSigningSecret(randomBytes, new Date()).secret;

    it('verifies with the standardwebhooks package (one secret)', () => {
        const headers = webhookHeaders({ id: 'msg_1', timestampSeconds: nowSeconds(), body, secrets: [current] });
        expect(headers['content-type']).toBe('application/json');
        expect(headers['webhook-id']).toBe('msg_1');
        expect(headers['webhook-timestamp']).toMatch(/^\d+$/);
        expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
        expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    });

    it('during rotation carries both signatures, and each secret alone verifies', () => {
        const headers = webhookHeaders({
            id: 'msg_2',
            timestampSeconds: nowSeconds(),
            body,
            secrets: [current, previous],
        });
        const parts = headers['webhook-signature'].split(' ');
        expect(parts).toHaveLength(2);
        expect(parts.every((p) => p.startsWith('v1,'))).toBe(true);
        expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
        expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
        // A receiver that knows neither secret rejects it.
        expect(() => new Webhook(newSigningSecret(randomBytes, new Date()).secret).verify(body, headers)).toThrow(
            WebhookVerificationError,
        );
    });

    it('a tampered body, id or timestamp does not verify', () => {
        const headers = webhookHeaders({ id: 'msg_3', timestampSeconds: nowSeconds(), body, secrets: [current] });
        const webhook = new Webhook(current);
        expect(() => webhook.verify(body.replace('cancelled ✓', 'cancelled !'), headers)).toThrow(
            WebhookVerificationError,
        );
        expect(() => webhook.verify(body, { ...headers, 'webhook-id': 'msg_4' })).toThrow(WebhookVerificationError);
        expect(() =>
            webhook.verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) + 1) }),
        ).toThrow(WebhookVerificationError);
    });

    it('matches the package signer byte for byte', () => {
        const at = nowSeconds();
        const ours = signWebhook({ id: 'msg_5', timestampSeconds: at, body, secrets: [current] });
        expect(ours).toBe(new Webhook(current).sign('msg_5', new Date(at * 1000), body));
    });

    it('refuses bad input', () => {
        const base = { id: 'msg_6', timestampSeconds: nowSeconds(), body, secrets: [current] };
        expect(() => signWebhook({ ...base, secrets: [] })).toThrow(TypeError);
        expect(() => signWebhook({ ...base, secrets: ['not-a-secret'] })).toThrow(TypeError);
        expect(() => signWebhook({ ...base, secrets: ['whsec_%%%'] })).toThrow(TypeError);
        expect(() => signWebhook({ ...base, id: '' })).toThrow(TypeError);
        expect(() => signWebhook({ ...base, id: 'a b' })).toThrow(TypeError);
        expect(() => signWebhook({ ...base, timestampSeconds: 1.5 })).toThrow(TypeError);
    });
});
