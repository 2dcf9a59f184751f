import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { signWebhook } from '../../src/domain/webhooks/signature';
import { eventTypeSchema, webhookPayloadSchema } from '../../src/http/schemas';

const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'webhooks.md'), 'utf8');
const jsonBlocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1] ?? '') as unknown);

describe('docs/webhooks.md', () => {
    it('shows payloads the gateway sends: each matches the payload schema, with no field it lacks', () => {
        expect(jsonBlocks.length).toBeGreaterThanOrEqual(3);
        const dataKeys = Object.keys(webhookPayloadSchema.shape.data.shape);
        for (const block of jsonBlocks) {
            const parsed = webhookPayloadSchema.safeParse(block);
            expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
            const data = (block as { data: Record<string, unknown> }).data;
            expect(Object.keys(data).filter((key) => !dataKeys.includes(key))).toEqual([]);
        }
    });

    it('lists every event type', () => {
        for (const type of eventTypeSchema.options) expect(doc).toContain(`| \`${type}\``);
    });

    it("the worked example's signature is what the gateway computes (key = base64-decoded part after whsec_)", () => {
        const secret = /secret `(whsec_[^`]+)`/.exec(doc)?.[1] ?? '';
        const id = /`webhook-id` `([^`]+)`/.exec(doc)?.[1] ?? '';
        const timestamp = Number(/`webhook-timestamp` `(\d+)`/.exec(doc)?.[1]);
        const signature = /^webhook-signature: (v1,\S+)$/m.exec(doc)?.[1];
        const body = JSON.stringify(jsonBlocks[0]);
        expect(signature).toBe(signWebhook({ id, timestampSeconds: timestamp, body, secrets: [secret] }));
    });
});
