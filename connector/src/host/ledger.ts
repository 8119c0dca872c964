// Idempotency and ack correlation for one account.
//
// The core gives every outgoing message an idempotency key and records it before asking us to send,
// so a crash is resolved in favour of not sending (at most once). Here: a key is sent at most once
// per connector process. A repeat (also one racing the first, still in flight) answers the first
// message id with duplicate:true. If the engine threw during the first send we cannot know whether
// WhatsApp got it, so the key stays burnt and a repeat fails with `failed` — never a second send.
// Failures before the engine was called (bad args, client not ready) do not burn the key.
import { CommandError } from '../bridge/protocol';

/** Per-account memory: 50k keys × ~200 B ≈ 10 MB worst case; a day of a busy number is ~1k. */
export const MAX_KEYS = 50_000;
/** An ack may overtake sendMessage()'s promise; we hold such acks until the sends in flight settle. */
export const MAX_HELD_ACKS = 1_000;

interface Entry {
    promise: Promise<string>;
    messageId: string | null;
    error: string | null;
}

export type AckName = 'error' | 'pending' | 'server' | 'device' | 'read' | 'played';

export function ackName(ack: number): AckName | null {
    switch (ack) {
        case -1: return 'error';
        case 0: return 'pending';
        case 1: return 'server';
        case 2: return 'device';
        case 3: return 'read';
        case 4: return 'played';
        default: return null;
    }
}

export class SendLedger {
    private byKey = new Map<string, Entry>();
    private keyById = new Map<string, string>();
    private idByStanza = new Map<string, string>();
    private inflight = 0;
    private held: Array<{ messageId: string; ack: AckName; emit: (d: Record<string, unknown>) => void }> = [];

    has(key: string): boolean { return this.byKey.has(key); }
    /** What this process knows of a key: sent (with its id), in flight, failed (the engine threw), or nothing. */
    state(key: string): { state: 'sent'; messageId: string } | { state: 'inflight' } | { state: 'failed'; error: string } | null {
        const e = this.byKey.get(key);
        if (!e) return null;
        if (e.messageId) return { state: 'sent', messageId: e.messageId };
        if (e.error !== null) return { state: 'failed', error: e.error };
        return { state: 'inflight' };
    }
    keyFor(messageId: string): string | null { return this.keyById.get(messageId) ?? null; }
    /** Full id of one of our messages from its stanza id (the last part of a serialized id). */
    idForStanza(stanza: string): string | null { return this.idByStanza.get(stanza) ?? null; }

    /** Unburns a key whose send failed once the chat shows it never arrived (message.find said absent):
     *  the core queues it again, and that send must not be refused as a repeat. */
    forgetFailed(key: string): void {
        const e = this.byKey.get(key);
        if (e && !e.messageId && e.error !== null) this.byKey.delete(key);
    }

    /** Answer of a known key (waits for the first send if it is still in flight). */
    async repeat(key: string): Promise<{ message_id: string; duplicate: true }> {
        const e = this.byKey.get(key)!;
        try {
            const id = await e.promise;
            return { message_id: id, duplicate: true };
        } catch (err) {
            throw new CommandError('failed', `an earlier send with key ${key} failed (${e.error ?? (err as Error).message}); not sent again (at most once)`);
        }
    }

    /** Runs `doSend` for a new key, exactly once. Callers check `has(key)` first (synchronously). */
    send(key: string, doSend: () => Promise<string>): Promise<{ message_id: string; duplicate: boolean }> {
        if (this.byKey.has(key)) return this.repeat(key);
        const entry: Entry = { promise: null as any, messageId: null, error: null };
        // Registered before doSend() runs, so a repeat arriving at any point afterwards is a duplicate.
        this.byKey.set(key, entry);
        this.inflight++;
        entry.promise = (async () => {
            try {
                await Promise.resolve();
                const id = await doSend();
                entry.messageId = id;
                this.remember(key, id);
                return id;
            } catch (err) {
                entry.error = (err as Error)?.message ?? String(err);
                throw err;
            } finally {
                this.inflight--;
                this.flushHeld();
            }
        })();
        entry.promise.catch(() => { /* reported through the returned promise */ });
        this.evict();
        return entry.promise.then((id) => ({ message_id: id, duplicate: false }), (err) => {
            throw err instanceof CommandError ? err : new CommandError('failed', (err as Error)?.message ?? String(err));
        });
    }

    /** Routes an ack of one of our messages to `emit` with its key; holds it while sends are in flight. */
    ack(messageId: string, ack: AckName, emit: (d: Record<string, unknown>) => void): void {
        const key = this.keyById.get(messageId);
        if (key !== undefined || this.inflight === 0) {
            emit({ key: key ?? null, message_id: messageId, ack });
            return;
        }
        this.held.push({ messageId, ack, emit });
        if (this.held.length > MAX_HELD_ACKS) {
            const h = this.held.shift()!;
            h.emit({ key: this.keyById.get(h.messageId) ?? null, message_id: h.messageId, ack: h.ack });
        }
    }

    private flushHeld(): void {
        if (this.held.length === 0) return;
        const keep: typeof this.held = [];
        for (const h of this.held) {
            const key = this.keyById.get(h.messageId);
            if (key !== undefined || this.inflight === 0) h.emit({ key: key ?? null, message_id: h.messageId, ack: h.ack });
            else keep.push(h);
        }
        this.held = keep;
    }

    private remember(key: string, id: string): void {
        this.keyById.set(id, key);
        const stanza = id.split('_')[2];
        if (stanza) this.idByStanza.set(stanza, id);
    }

    private evict(): void {
        while (this.byKey.size > MAX_KEYS) {
            const [oldKey, e] = this.byKey.entries().next().value as [string, Entry];
            this.byKey.delete(oldKey);
            if (e.messageId) {
                this.keyById.delete(e.messageId);
                const stanza = e.messageId.split('_')[2];
                if (stanza) this.idByStanza.delete(stanza);
            }
        }
    }
}
