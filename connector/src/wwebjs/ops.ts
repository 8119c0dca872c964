// Bridge commands implemented against the Client API subset (WClientLike): same code for webjs and sim.
import { CommandError } from '../bridge/protocol';
import { ContentFactory, WChat, WClientLike, jidToPhone, ser, toJid } from './types';

export type GroupKind = 'group' | 'community' | 'announcement';

export interface GroupOut {
    id: string; name: string; description: string; announce: boolean; is_community: boolean;
    kind: GroupKind; size: number; created_at: string | null;
    community_id: string | null; invite_code: string | null;
    participants: Array<{ id: string; phone: string | null; lid: string | null; admin: boolean; push_name: string }>;
}

/** One page of account.groups: `next_offset` is null on the last page. */
export interface GroupPage { groups: GroupOut[]; total: number; offset: number; next_offset: number | null }

/** Groups per page when the core does not say: a page of 25 groups of up to 1,024 participants is at
 *  most ~2.5 MB of JSON and a few hundred ms of getInviteCode calls, far inside the 60 s command
 *  time-out that a single 300-group answer overran (Evolution API's fetchAllGroups). */
export const DEFAULT_GROUP_PAGE = 25;
export const MAX_GROUP_PAGE = 200;
/** How long page 2..n reuse the chat list page 0 fetched: a 300-group sync takes ~12 pages. */
const SNAPSHOT_MS = 5 * 60_000;
const snapshots = new WeakMap<WClientLike, { at: number; chats: WChat[]; names: Map<string, string> }>();

/** The groups of the account, sorted by id so that pages are stable between calls. Page 0 (offset 0)
 *  reads the chat list afresh; later pages reuse it for SNAPSHOT_MS. */
export async function listGroupsPage(client: WClientLike, me: string | null, offset = 0, limit = DEFAULT_GROUP_PAGE): Promise<GroupPage> {
    let snap = snapshots.get(client);
    if (offset === 0 || !snap || Date.now() - snap.at > SNAPSHOT_MS) {
        const chats = (await client.getChats()).filter((c) => c.isGroup);
        chats.sort((a, b) => ((ser(a.id) ?? '') < (ser(b.id) ?? '') ? -1 : 1));
        snap = { at: Date.now(), chats, names: await pushNames(client) };
        snapshots.set(client, snap);
    }
    const slice = snap.chats.slice(offset, offset + limit);
    const groups: GroupOut[] = [];
    for (const chat of slice) groups.push(await groupOf(chat, me, snap.names));
    const next = offset + slice.length;
    return { groups, total: snap.chats.length, offset, next_offset: next < snap.chats.length ? next : null };
}

/** Validates account.groups paging args. */
export function parsePage(args: Record<string, any>): { offset: number; limit: number } {
    const offset = args.offset ?? 0, limit = args.limit ?? DEFAULT_GROUP_PAGE;
    if (!Number.isInteger(offset) || offset < 0) throw new CommandError('bad_request', 'offset: a non-negative integer');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_GROUP_PAGE) throw new CommandError('bad_request', `limit: an integer from 1 to ${MAX_GROUP_PAGE}`);
    return { offset, limit };
}

export async function listGroups(client: WClientLike, me: string | null): Promise<GroupOut[]> {
    const out: GroupOut[] = [];
    for (let off: number | null = 0; off !== null;) {
        const page: GroupPage = await listGroupsPage(client, me, off, MAX_GROUP_PAGE);
        out.push(...page.groups);
        off = page.next_offset;
    }
    return out;
}

/** Participants carry no names; the contact list has each member's own display name. One call per
 *  sync (not one getContactById per member: 300 groups × 500 members would be 150,000 page calls). */
async function pushNames(client: WClientLike): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    if (typeof client.getContacts !== 'function') return names;
    try {
        for (const c of await client.getContacts()) {
            const id = ser(c.id);
            if (id && c.pushname) names.set(id, c.pushname);
        }
    } catch { /* names are a nicety: the sync goes on without them */ }
    return names;
}

async function groupOf(chat: WChat, me: string | null, names: Map<string, string> = new Map()): Promise<GroupOut> {
    const md = chat.groupMetadata ?? {};
    const participants = (md.participants ?? []).map((p) => {
        const id = ser(p.id) ?? '';
        return { id, phone: jidToPhone(id), lid: id.endsWith('@lid') ? id : null, admin: !!(p.isAdmin || p.isSuperAdmin), push_name: names.get(id) ?? '' };
    });
    const mine = me ? participants.find((p) => p.id === me || (p.phone && p.phone === jidToPhone(me))) : undefined;
    let invite: string | null = null;
    if (mine?.admin && typeof chat.getInviteCode === 'function') {
        try { invite = (await chat.getInviteCode()) || null; } catch { invite = null; }
    }
    const isCommunity = !!md.isParentGroup;
    const announce = !!md.announce;
    return {
        id: ser(chat.id) ?? '',
        name: chat.name ?? '',
        description: md.desc ?? '',
        announce,
        is_community: isCommunity,
        kind: isCommunity ? 'community' : announce ? 'announcement' : 'group',
        size: participants.length,
        created_at: typeof md.creation === 'number' && md.creation > 0 ? new Date(md.creation * 1000).toISOString() : null,
        community_id: ser(md.parentGroup as any) ?? null,
        invite_code: invite,
        participants,
    };
}

const ROLES: Record<string, string> = { owner: 'owner', admin: 'admin', subscriber: 'subscriber', guest: 'subscriber' };

export async function listChannels(client: WClientLike) {
    const channels = await client.getChannels();
    return channels.map((c) => ({
        id: ser(c.id),
        name: c.name ?? '',
        description: c.description ?? c.channelMetadata?.description ?? '',
        followers: c.channelMetadata?.subscribersCount ?? null,
        role: ROLES[c.channelMetadata?.membershipType ?? ''] ?? 'subscriber',
    }));
}

export async function listChats(client: WClientLike) {
    const chats = await client.getChats();
    return chats.map((c) => ({
        id: ser(c.id),
        name: c.name ?? '',
        is_group: !!c.isGroup,
        unread: c.unreadCount ?? 0,
        last_message_at: c.timestamp ? new Date(c.timestamp * 1000).toISOString() : null,
    }));
}

export async function resolveLids(client: WClientLike, lids: string[]): Promise<Record<string, string | null>> {
    const phones: Record<string, string | null> = {};
    for (const l of lids) phones[l] = null;
    if (lids.length === 0) return phones;
    const rows = await client.getContactLidAndPhone(lids);
    rows.forEach((row, i) => {
        const lid = row?.lid ?? lids[i];
        const key = lids.includes(lid) ? lid : lids[i];
        phones[key] = jidToPhone(row?.pn ?? null);
    });
    return phones;
}

export function inviteCodeOf(invite: string): string {
    const m = /(?:chat\.whatsapp\.com\/(?:invite\/)?)?([A-Za-z0-9]{10,32})\/?$/.exec(invite.trim());
    if (!m) throw new CommandError('bad_request', 'invite must be a https://chat.whatsapp.com/<code> link or a code');
    return m[1];
}

/** WhatsApp's group size limit (members of a community's announcement group can be more). */
export const GROUP_MAX_MEMBERS = 1024;

/** Maps what WhatsApp Web throws for an invite to the protocol's codes. WhatsApp answers an invite
 *  query with an IQ error: 404 / "item-not-found" for an unknown code, 410 / "gone" for a link an
 *  admin reset, 406 / 409 / "not-acceptable" / "conflict" when the group is full; whatsapp-web.js
 *  passes the error through as a message or an object with `status`, so both are read. */
export function inviteError(err: unknown): CommandError {
    if (err instanceof CommandError) return err;
    const status = typeof (err as any)?.status === 'number' ? (err as any).status : null;
    const text = `${(err as any)?.message ?? ''} ${(err as any)?.text ?? ''} ${String(status ?? '')}`.toLowerCase();
    if (status === 410 || /gone|revoked|reset|expired|410/.test(text)) return new CommandError('invite_expired', 'the invite link was reset or has expired');
    if (status === 406 || status === 409 || /full|not-acceptable|conflict|406|409/.test(text)) return new CommandError('group_full', 'the group is full');
    if (status === 404 || status === 400 || /not.?found|invalid|404|400|bad-request/.test(text)) return new CommandError('invite_invalid', 'no group has this invite link');
    return new CommandError('failed', (err as Error)?.message ?? String(err));
}

/** What an invite link leads to, without joining (group.invite_info). */
export async function inviteInfo(client: WClientLike, code: string) {
    let info;
    try { info = await client.getInviteInfo(code); } catch (err) { throw inviteError(err); }
    const id = ser(info?.id as any);
    if (!id) throw new CommandError('invite_invalid', 'no group has this invite link');
    const size = typeof info.size === 'number' ? info.size : Array.isArray(info.participants) ? info.participants.length : null;
    return { group_id: id, name: info.subject ?? '', description: info.desc ?? '', size, full: size !== null && size >= GROUP_MAX_MEMBERS };
}

export async function joinGroup(client: WClientLike, invite: string): Promise<string> {
    let gid;
    try { gid = await client.acceptInvite(inviteCodeOf(invite)); } catch (err) { throw inviteError(err); }
    const id = ser(gid as any);
    if (!id) throw new CommandError('failed', 'WhatsApp did not return a group id');
    return id;
}

export interface SendArgs {
    key: string; to: string; kind: 'text' | 'image' | 'document' | 'video' | 'poll';
    text: string; media: { mimetype: string; filename?: string | null; data_base64: string } | null;
    poll: { question: string; options: string[]; multiple?: boolean } | null;
    mentions: string[]; link_preview: boolean; quoted_id: string | null;
}

const KINDS = new Set(['text', 'image', 'document', 'video', 'poll']);

/** Validates message.send args (bad_request on anything the engine should never see). */
export function parseSend(args: Record<string, any>): SendArgs {
    const bad = (m: string) => new CommandError('bad_request', m);
    if (typeof args.key !== 'string' || args.key.length === 0 || args.key.length > 200) throw bad('key: a non-empty string is required');
    if (typeof args.to !== 'string' || !/^(\+?\d{6,15}|[\w.+-]+@(c\.us|g\.us|newsletter|lid))$/.test(args.to)) throw bad('to: a …@c.us, …@g.us, …@newsletter or …@lid id is required');
    const kind = args.kind ?? 'text';
    if (!KINDS.has(kind)) throw bad('kind: one of text, image, document, video, poll');
    const text = typeof args.text === 'string' ? args.text : '';
    if (kind === 'text' && text.trim() === '') throw bad('text: required for kind text');
    let media = null;
    if (kind === 'image' || kind === 'document' || kind === 'video') {
        const m = args.media;
        if (!m || typeof m.mimetype !== 'string' || typeof m.data_base64 !== 'string' || m.data_base64.length === 0) throw bad('media: {mimetype, filename, data_base64} required');
        media = { mimetype: m.mimetype, filename: typeof m.filename === 'string' ? m.filename : null, data_base64: m.data_base64 };
    }
    let poll = null;
    if (kind === 'poll') {
        const p = args.poll;
        if (!p || typeof p.question !== 'string' || !Array.isArray(p.options) || p.options.length < 2 || p.options.length > 12 || !p.options.every((o: unknown) => typeof o === 'string'))
            throw bad('poll: {question, options: 2..12 strings, multiple} required');
        poll = { question: p.question, options: p.options as string[], multiple: !!p.multiple };
    }
    const mentions = Array.isArray(args.mentions) ? args.mentions.filter((m: unknown): m is string => typeof m === 'string') : [];
    return {
        key: args.key, to: args.to.includes('@') ? args.to : toJid(args.to), kind, text, media, poll, mentions,
        link_preview: args.link_preview !== false,
        quoted_id: typeof args.quoted_id === 'string' ? args.quoted_id : null,
    };
}

/** Sends through the engine; resolves with the WhatsApp message id. */
export async function sendMessage(client: WClientLike, factory: ContentFactory, s: SendArgs): Promise<string> {
    const options: Record<string, unknown> = { linkPreview: s.link_preview };
    if (s.mentions.length) options.mentions = s.mentions.map(toJid);
    if (s.quoted_id) options.quotedMessageId = s.quoted_id;
    let content: unknown;
    if (s.kind === 'text') {
        content = s.text;
    } else if (s.kind === 'poll') {
        content = factory.poll(s.poll!.question, s.poll!.options, !!s.poll!.multiple);
    } else {
        content = factory.media(s.media!.mimetype, s.media!.data_base64, s.media!.filename ?? null);
        if (s.text) options.caption = s.text;
        if (s.kind === 'document') options.sendMediaAsDocument = true;
    }
    const msg = await client.sendMessage(s.to, content, options);
    const id = msg?.id?._serialized;
    if (!id) throw new CommandError('failed', 'WhatsApp did not accept the message (no message id returned)');
    return id;
}

export async function chatTyping(client: WClientLike, chatId: string, state: string): Promise<void> {
    const chat = await client.getChatById(chatId);
    if (state === 'typing') await chat.sendStateTyping();
    else if (state === 'recording') await chat.sendStateRecording();
    else await chat.clearState();
}

export async function chatSeen(client: WClientLike, chatId: string): Promise<void> {
    const chat = await client.getChatById(chatId);
    await chat.sendSeen();
}

export interface FindArgs { key: string; chat: string; text: string; since: number; knownIds: string[] }

/** Validates message.find args. */
export function parseFind(args: Record<string, any>): FindArgs {
    const bad = (m: string) => new CommandError('bad_request', m);
    if (typeof args.key !== 'string' || args.key.length === 0 || args.key.length > 200) throw bad('key: a non-empty string is required');
    if (typeof args.chat !== 'string' || !/^[\w.+-]+@(c\.us|g\.us|newsletter|lid)$/.test(args.chat)) throw bad('chat: a …@c.us, …@g.us, …@newsletter or …@lid id is required');
    if (typeof args.text !== 'string') throw bad('text: required (the body, caption or poll question)');
    if (typeof args.since !== 'number' || !Number.isFinite(args.since) || args.since < 0) throw bad('since: ms since the epoch');
    const knownIds = Array.isArray(args.known_ids) ? args.known_ids.filter((x: unknown): x is string => typeof x === 'string') : [];
    return { key: args.key, chat: args.chat, text: args.text, since: args.since, knownIds };
}

/** Messages fetched per look-up: a chat where we sent more than this since the claim is not one we
 *  can be sure about (definitive only when the fetched window reaches back past the claim). */
export const FIND_LIMIT = 100;
/** WhatsApp's clocks and ours may differ: a match may be this much older than the claim. */
export const FIND_SKEW_MS = 120_000;

export interface FindOut { found: boolean; message_id: string | null; definitive: boolean; scanned: number; reason?: string }

const norm = (t: string) => t.trim().replace(/\s+/g, ' ');

/**
 * Is a message of ours with this text in the chat, sent since `since`? whatsapp-web.js's
 * Chat.fetchMessages({limit, fromMe: true}) loads earlier messages until it has `limit` of ours or the
 * history ends. "Absent" is definitive only when what was fetched covers the whole window since the
 * claim (fewer than `limit` came back, or the oldest is older than the claim) and the client has
 * settled (`settled`: WhatsApp Web re-sends its pending messages in the first seconds after a restore).
 */
export async function findSent(client: WClientLike, f: FindArgs, settled: boolean): Promise<FindOut> {
    const chat = await client.getChatById(f.chat);
    if (typeof chat.fetchMessages !== 'function') return { found: false, message_id: null, definitive: false, scanned: 0, reason: 'this engine cannot read chat history' };
    const msgs = await chat.fetchMessages({ limit: FIND_LIMIT, fromMe: true });
    const from = Math.floor((f.since - FIND_SKEW_MS) / 1000);
    const want = norm(f.text);
    const known = new Set(f.knownIds);
    let oldest = Infinity;
    for (const m of msgs) {
        if (!m.fromMe && !m.id?.fromMe) continue;
        oldest = Math.min(oldest, m.timestamp);
        if (m.timestamp < from || known.has(m.id._serialized)) continue;
        const text = norm(m.type === 'poll_creation' ? (m.pollName ?? m.body ?? '') : (m.body ?? ''));
        if (text === want) return { found: true, message_id: m.id._serialized, definitive: true, scanned: msgs.length };
    }
    const covered = msgs.length < FIND_LIMIT || oldest < from;
    if (!covered) return { found: false, message_id: null, definitive: false, scanned: msgs.length, reason: `more than ${FIND_LIMIT} of our messages in this chat since the send; cannot be sure` };
    if (!settled) return { found: false, message_id: null, definitive: false, scanned: msgs.length, reason: 'the client has just connected; WhatsApp Web may still be sending' };
    return { found: false, message_id: null, definitive: true, scanned: msgs.length };
}

/**
 * Reach of a message we sent (issue 9 item 2): how many participants it was delivered to and read
 * by, from Message.getInfo(). Group read receipts as acks are unreliable, so the core asks this at a
 * bounded rate (1 h, 6 h and 24 h after a post). Played counts as read (voice notes, videos).
 */
export async function messageInfo(client: WClientLike, messageId: string): Promise<{ delivered: number; read: number; pending: number }> {
    if (!client.getMessageById) throw new CommandError('unsupported', 'this engine cannot read message info');
    const msg = await client.getMessageById(messageId);
    if (!msg) throw new CommandError('failed', `message ${messageId} is not in this session any more`);
    const info = await msg.getInfo();
    if (!info) throw new CommandError('failed', `WhatsApp gave no info for message ${messageId}`);
    const readers = new Set([...info.read, ...info.played].map((r) => ser(r.id)));
    // A reader was delivered to as well, even when WhatsApp lists them under read only.
    const delivered = new Set([...info.delivery.map((r) => ser(r.id)), ...readers]);
    return { delivered: delivered.size, read: readers.size, pending: info.deliveryRemaining };
}
