import { type DequeuedMessageItem, type QueueClient, QueueServiceClient } from '@azure/storage-queue';
import * as crypto from 'node:crypto';
import type { RegisteredFunction } from '../coreApi';
import type { Invoker } from '../invoke';
import type { HostLogger } from '../log';
import type { RpcTypedData } from '../rpc';
import type { QueueOptions } from '../settings';
import { decodeBase64Strict } from './base64';

export interface QueueListenerOptions {
    fn: RegisteredFunction;
    triggerName: string;
    queueName: string;
    connectionString: string;
    options: QueueOptions;
    invoker: Invoker;
    logger: HostLogger;
}

/**
 * While a message is processed it stays invisible for this long, renewed at half-time: the storage extension's
 * 10 minutes, which is also how long a killed host's messages stay hidden.
 * `LOCAL_HOST_QUEUE_PROCESSING_VISIBILITY_SECONDS` shortens it so that the chaos run (host killed with SIGKILL)
 * settles in seconds rather than minutes.
 */
const processingVisibilitySeconds = Number(process.env.LOCAL_HOST_QUEUE_PROCESSING_VISIBILITY_SECONDS) || 600;
const minimumPollingMs = 100;

function json(value: unknown): RpcTypedData {
    return { json: JSON.stringify(value) };
}

/**
 * Polls one storage queue for one queue-triggered function with the storage extension's semantics:
 * batches of `batchSize`, a new batch when in-flight drops to `newBatchThreshold`, exponential
 * back-off up to `maxPollingInterval`, `visibilityTimeout` on failure, `<queue>-poison` after
 * `maxDequeueCount` attempts, base64 decoding, success deletes.
 */
export class QueueListener {
    readonly #o: QueueListenerOptions;
    readonly #queue: QueueClient;
    readonly #poison: QueueClient;
    #poisonReady: Promise<unknown> | undefined;
    #stopping = false;
    #wake: (() => void) | undefined;
    #loop: Promise<void> | undefined;
    readonly #inFlight = new Map<Promise<void>, { message: DequeuedMessageItem; popReceipt: string }>();

    constructor(options: QueueListenerOptions) {
        this.#o = options;
        const service = QueueServiceClient.fromConnectionString(options.connectionString);
        this.#queue = service.getQueueClient(options.queueName);
        this.#poison = service.getQueueClient(`${options.queueName}-poison`);
    }

    get queueName(): string {
        return this.#o.queueName;
    }

    async start(): Promise<void> {
        await this.#queue.createIfNotExists();
        this.#loop = this.#run();
    }

    async stop(drainMs: number): Promise<void> {
        this.#stopping = true;
        this.#wake?.();
        await this.#loop;
        const deadline = Date.now() + drainMs;
        while (this.#inFlight.size > 0 && Date.now() < deadline) {
            await Promise.race([...this.#inFlight.keys(), this.#sleep(deadline - Date.now(), true)]);
        }
        // Abandon what is still running: make its messages visible again (at-least-once).
        await Promise.allSettled(
            [...this.#inFlight.values()].map((entry) =>
                this.#queue.updateMessage(entry.message.messageId, entry.popReceipt, entry.message.messageText, 0),
            ),
        );
    }

    #sleep(ms: number, ignoreWake = false): Promise<void> {
        return new Promise((resolve) => {
            const timer = setTimeout(resolve, ms);
            timer.unref();
            if (!ignoreWake) {
                this.#wake = () => {
                    clearTimeout(timer);
                    resolve();
                };
            }
        });
    }

    async #run(): Promise<void> {
        const { batchSize, newBatchThreshold, maxPollingIntervalMs } = this.#o.options;
        let delay = 0;
        while (!this.#stopping) {
            while (this.#inFlight.size > newBatchThreshold && !this.#stopping) {
                await Promise.race([...this.#inFlight.keys(), this.#sleep(maxPollingIntervalMs)]);
            }
            if (this.#stopping) break;
            let messages: DequeuedMessageItem[] = [];
            try {
                const received = await this.#queue.receiveMessages({
                    numberOfMessages: batchSize,
                    visibilityTimeout: processingVisibilitySeconds,
                });
                messages = received.receivedMessageItems;
            } catch (error) {
                if (!this.#stopping) this.#o.logger.warn(`Queue '${this.queueName}': receive failed: ${String(error)}`);
            }
            if (this.#stopping) {
                // received while stopping: release them right away
                await Promise.allSettled(
                    messages.map((m) => this.#queue.updateMessage(m.messageId, m.popReceipt, m.messageText, 0)),
                );
                break;
            }
            for (const message of messages) {
                const entry = { message, popReceipt: message.popReceipt };
                const work = this.#process(entry).catch((error: unknown) =>
                    this.#o.logger.error(`Queue '${this.queueName}': message ${message.messageId}: ${String(error)}`),
                );
                this.#inFlight.set(work, entry);
                void work.finally(() => this.#inFlight.delete(work));
            }
            if (messages.length > 0) {
                delay = 0;
                continue;
            }
            delay = delay === 0 ? minimumPollingMs : Math.min(delay * 2, maxPollingIntervalMs);
            await this.#sleep(delay);
        }
    }

    async #moveToPoison(message: DequeuedMessageItem, popReceipt: string, reason: string): Promise<void> {
        this.#o.logger.warn(
            `Message ${message.messageId} on queue '${this.queueName}': ${reason}. Moving message to queue '${this.queueName}-poison'.`,
        );
        this.#poisonReady ??= this.#poison.createIfNotExists();
        await this.#poisonReady;
        await this.#poison.sendMessage(message.messageText);
        await this.#queue.deleteMessage(message.messageId, popReceipt);
    }

    async #process(entry: { message: DequeuedMessageItem; popReceipt: string }): Promise<void> {
        const { message } = entry;
        const { maxDequeueCount, messageEncoding, visibilityTimeoutMs } = this.#o.options;
        if (message.dequeueCount > maxDequeueCount) {
            return this.#moveToPoison(
                message,
                entry.popReceipt,
                `dequeue count ${message.dequeueCount} exceeds MaxDequeueCount of ${maxDequeueCount}`,
            );
        }
        let text = message.messageText;
        if (messageEncoding === 'base64') {
            const decoded = decodeBase64Strict(message.messageText);
            if (!decoded) {
                return this.#moveToPoison(
                    message,
                    entry.popReceipt,
                    `the message is not a valid Base-64 string (messageEncoding is base64)`,
                );
            }
            text = decoded.toString('utf8');
        }

        // Keep the message invisible while it is processed.
        const renew = setInterval(
            () => {
                this.#queue
                    .updateMessage(
                        message.messageId,
                        entry.popReceipt,
                        message.messageText,
                        processingVisibilitySeconds,
                    )
                    .then((r) => {
                        if (r.popReceipt) entry.popReceipt = r.popReceipt;
                    })
                    .catch(() => undefined);
            },
            (processingVisibilitySeconds * 1000) / 2,
        );
        renew.unref();

        const fn = this.#o.fn;
        const triggerMetadata: Record<string, RpcTypedData> = {
            QueueTrigger: { string: text },
            DequeueCount: json(message.dequeueCount),
            Id: { string: message.messageId },
            PopReceipt: { string: message.popReceipt },
            InsertionTime: json(message.insertedOn.toISOString()),
            ExpirationTime: json(message.expiresOn.toISOString()),
            NextVisibleTime: json(message.nextVisibleOn.toISOString()),
            sys: json({
                MethodName: fn.metadata.name,
                UtcNow: new Date().toISOString(),
                RandGuid: crypto.randomUUID(),
            }),
        };
        let failed = false;
        try {
            await this.#o.invoker.invoke(
                fn,
                { inputData: [{ name: this.#o.triggerName, data: { string: text } }], triggerMetadata },
                `New queue message detected on '${this.queueName}'.`,
            );
        } catch {
            failed = true;
        } finally {
            clearInterval(renew);
        }
        if (!failed) {
            await this.#queue.deleteMessage(message.messageId, entry.popReceipt);
        } else if (message.dequeueCount >= maxDequeueCount) {
            await this.#moveToPoison(
                message,
                entry.popReceipt,
                `message has reached MaxDequeueCount of ${maxDequeueCount}`,
            );
        } else {
            await this.#queue.updateMessage(
                message.messageId,
                entry.popReceipt,
                message.messageText,
                Math.round(visibilityTimeoutMs / 1000),
            );
        }
    }
}
