// Maps whatsapp-web.js Client events to bridge events. Used unchanged for the real Client, the
// simulated client and the unit tests' fake: nothing engine-specific crosses the bridge.
import { log } from '../log';
import { AckName, ackName } from '../host/ledger';
import { WClientLike, WMessage, ser, jidToPhone } from './types';

export interface MappingContext {
    /** Send one normalised bridge event for this account. */
    emit(event: string, data: Record<string, unknown>): void;
    /** Route an ack of one of our messages (the ledger adds the idempotency key). */
    ack(messageId: string, ack: AckName): void;
    /** Full id of one of our messages from a quoted stanza id, if we sent it. */
    ourMessageByStanza(stanza: string): string | null;
}

const KIND: Record<string, string> = {
    chat: 'text', image: 'image', video: 'video', document: 'document', audio: 'audio', ptt: 'audio',
    sticker: 'sticker', location: 'location', vcard: 'contact', multi_vcard: 'contact',
    poll_creation: 'poll', revoked: 'revoked',
};

/** Group-notification subtypes → the protocol's `what` of group.update. */
const GROUP_WHAT: Record<string, string> = {
    subject: 'subject', description: 'description', announce: 'announce', restrict: 'restrict',
    picture: 'picture', ephemeral: 'ephemeral', create: 'create',
};

function iso(seconds: number | undefined): string {
    const ms = typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : Date.now();
    return new Date(ms).toISOString();
}

export function formatPairingCode(code: string): string {
    const c = String(code).replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    return c.length === 8 ? `${c.slice(0, 4)}-${c.slice(4)}` : c;
}

/** message.received data. `from` is the person who wrote it (the member in a group), `author` is that
 *  member in a group and null in a direct chat, `chat` is the conversation. */
export function normaliseMessage(msg: WMessage, ctx: Pick<MappingContext, 'ourMessageByStanza'>): Record<string, unknown> {
    const chat = msg.fromMe ? msg.to : msg.from;
    const isGroup = chat.endsWith('@g.us');
    const author = isGroup ? (ser(msg.author as any) ?? null) : null;
    const from = isGroup ? author : msg.from;
    let quoted: string | null = null;
    if (msg.hasQuotedMsg && msg._data?.quotedStanzaID) {
        const stanza = msg._data.quotedStanzaID;
        quoted = ctx.ourMessageByStanza(stanza);
        if (!quoted) {
            const participant = ser(msg._data.quotedParticipant as any);
            quoted = `false_${chat}_${stanza}${isGroup && participant ? `_${participant}` : ''}`;
        }
    }
    return {
        id: msg.id._serialized,
        chat,
        from,
        from_phone: jidToPhone(from),
        author,
        is_group: isGroup,
        body: msg.body ?? '',
        kind: KIND[msg.type] ?? msg.type,
        quoted_id: quoted,
        // "Forwarded many times" shows from a score of 5 (moderation's chain-message rule).
        forwarding_score: typeof (msg as any).forwardingScore === 'number' ? (msg as any).forwardingScore : 0,
        mentions: (msg.mentionedIds ?? []).map((m) => ser(m)).filter((m): m is string => !!m),
        timestamp: iso(msg.timestamp),
        // The sender's own display name (whatsapp-web.js keeps it as _data.notifyName): key members.
        push_name: typeof msg._data?.notifyName === 'string' ? msg._data.notifyName : null,
    };
}

export function attachEventMapping(client: WClientLike, ctx: MappingContext): void {
    let qrAttempt = 0;

    client.on('qr', (qr: string) => ctx.emit('account.qr', { qr, attempt: ++qrAttempt }));
    client.on('code', (code: string) => ctx.emit('account.pairing_code', { code: formatPairingCode(code) }));
    client.on('authenticated', () => ctx.emit('account.authenticated', {}));
    client.on('auth_failure', (message: unknown) => ctx.emit('account.auth_failure', { message: String(message ?? 'authentication failed') }));
    client.on('ready', () => {
        const wid = client.info?.wid;
        const user = (wid && typeof wid === 'object' && wid.user) || jidToPhone(ser(wid as any))?.slice(1) || null;
        ctx.emit('account.ready', { phone: user ? `+${user}` : null, name: client.info?.pushname ?? null });
    });
    client.on('change_state', (state: string) => ctx.emit('account.state', { state: String(state) }));
    client.on('disconnected', (reason: unknown) => ctx.emit('account.disconnected', { reason: String(reason ?? 'UNKNOWN') }));

    client.on('message', (msg: WMessage) => {
        if (!msg || msg.fromMe || msg.isStatus || msg.from === 'status@broadcast') return;
        if (msg.type === 'e2e_notification' || msg.type === 'notification_template' || msg.type === 'gp2' || msg.type === 'protocol') return;
        ctx.emit('message.received', normaliseMessage(msg, ctx));
    });
    // message_create fires for ours and theirs; theirs is handled by 'message'. Ours sent through the
    // connector are known to the ledger from sendMessage()'s result; ours typed by a person on the
    // linked phone have no key and no place in protocol v1, so they are only logged.
    client.on('message_create', (msg: WMessage) => {
        if (!msg || !msg.fromMe || msg.isStatus) return;
        if (ctx.ourMessageByStanza(msg.id.id ?? msg.id._serialized.split('_')[2] ?? '')) return;
        log('debug', 'message.created_by_us', { message_id: msg.id._serialized });
    });
    client.on('message_ack', (msg: WMessage, ack: number) => {
        if (!msg || !msg.id?.fromMe) return;
        const name = ackName(Number(ack));
        if (name) ctx.ack(msg.id._serialized, name);
    });
    client.on('message_reaction', (r: any) => {
        if (!r) return;
        const parent = r.msgId;
        const messageId = ser(parent);
        if (!messageId) return;
        const chat = ser(parent?.remote) ?? messageId.split('_')[1] ?? null;
        ctx.emit('message.reaction', { message_id: messageId, chat, from: ser(r.senderId) ?? r.senderId ?? null, reaction: r.reaction ?? '' });
    });
    client.on('vote_update', (v: any) => {
        if (!v) return;
        const messageId = ser(v.parentMsgKey) ?? ser(v.parentMessage?.id) ?? null;
        if (!messageId) return;
        const chat = ser(v.parentMsgKey?.remote) ?? messageId.split('_')[1] ?? null;
        const selected = (v.selectedOptions ?? []).map((o: any) => (o?.name ?? String(o?.localId)));
        ctx.emit('poll.vote', { message_id: messageId, chat, voter: ser(v.voter) ?? v.voter ?? null, selected });
    });
    const groupMembers = (event: string) => (n: any) => {
        if (!n) return;
        ctx.emit(event, {
            group_id: n.chatId ?? ser(n.id?.remote),
            participants: (n.recipientIds ?? []).map((p: any) => ser(p)).filter(Boolean),
            by: ser(n.author) ?? null,
            type: n.type ?? null,
        });
    };
    client.on('group_join', groupMembers('group.join'));
    client.on('group_leave', groupMembers('group.leave'));
    // Someone asked to join a group whose link needs an admin's approval (we are admin).
    client.on('group_membership_request', (n: any) => {
        if (!n) return;
        ctx.emit('group.join_request', { group_id: n.chatId ?? ser(n.id?.remote), requester: ser(n.author) ?? null, at: typeof n.timestamp === 'number' ? new Date(n.timestamp * 1000).toISOString() : null });
    });
    client.on('group_update', (n: any) => {
        if (!n) return;
        ctx.emit('group.update', { group_id: n.chatId ?? ser(n.id?.remote), what: GROUP_WHAT[n.type] ?? String(n.type), value: n.body ?? null, by: ser(n.author) ?? null });
    });
    client.on('group_admin_changed', (n: any) => {
        if (!n) return;
        ctx.emit('group.update', {
            group_id: n.chatId ?? ser(n.id?.remote), what: 'admins',
            value: { action: n.type, participants: (n.recipientIds ?? []).map((p: any) => ser(p)).filter(Boolean) },
            by: ser(n.author) ?? null,
        });
    });
    // Simulated-network extension (never emitted by the real library): a temporary restriction.
    client.on('sim_restricted', (r: any) => ctx.emit('account.restricted', { reason: String(r?.reason ?? 'unknown'), until: r?.until ?? null }));
}
