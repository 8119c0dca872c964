// Group admin commands (issue 10 items 3, 4, 5, 7): create a group with its settings, add and remove
// members, invite codes and their revocation, join requests, admin deletes. Written against the
// WClientLike subset, so the real whatsapp-web.js client and the simulator run the same code.
//
// whatsapp-web.js 1.34: GroupChat.addParticipants answers per participant with WhatsApp's code (200
// added, 403 the person's privacy allows only a private invitation, 404 not on WhatsApp, 408 left
// recently, 409 already a member, 417 cannot be added to a community group, 419 group full). We pass
// `autoSendInviteV4: false`: the core sends the invite link itself, through its outbox, consent gate
// and pacing — a library-sent "invite V4" message would be a second sending path.
import { CommandError } from '../bridge/protocol';
import { WChat, WClientLike, jidToPhone, ser, toJid } from './types';

export type AddStatus = 'added' | 'invite_required' | 'not_on_whatsapp' | 'recently_left' | 'already_member' | 'group_full' | 'failed';

export interface AddResult { participant: string; code: number; status: AddStatus; message: string }

const ADD_STATUS: Record<number, AddStatus> = {
    200: 'added', 403: 'invite_required', 404: 'not_on_whatsapp', 408: 'recently_left', 409: 'already_member', 417: 'invite_required', 419: 'group_full',
};

const bad = (m: string) => new CommandError('bad_request', m);
const GROUP_RE = /^[\w.+-]+@g\.us$/;

/** The `group` argument: a …@g.us id. */
export function groupArg(args: Record<string, any>): string {
    if (typeof args.group !== 'string' || !GROUP_RE.test(args.group)) throw bad('group: a …@g.us id is required');
    return args.group;
}

/** A list of phones (E.164) or jids, 1..max of them. */
export function peopleArg(args: Record<string, any>, field: string, max = 50, allowEmpty = false): string[] {
    const v = args[field];
    if (v === undefined && allowEmpty) return [];
    if (!Array.isArray(v) || (!allowEmpty && v.length === 0) || v.length > max || !v.every((p) => typeof p === 'string' && /^(\+?\d{6,15}|[\w.+-]+@(c\.us|lid))$/.test(p)))
        throw bad(`${field}: ${allowEmpty ? '0' : '1'} to ${max} phone numbers (E.164) or …@c.us / …@lid ids`);
    return v.map(toJid);
}

/** The group chat, only when this account is still in it (a group we left or were removed from:
 *  `not_member`, so the core can say "we are no longer in this group" rather than "failed"). */
async function groupChat(client: WClientLike, group: string): Promise<WChat> {
    let chat: WChat | null = null;
    try { chat = await client.getChatById(group); } catch { chat = null; }
    if (!chat || !chat.isGroup) throw new CommandError('not_member', `this account is not in group ${group}`);
    return chat;
}

function needAdmin(chat: WChat, me: string | null): void {
    const parts = chat.groupMetadata?.participants ?? [];
    const mine = parts.find((p) => ser(p.id) === me || (me && jidToPhone(ser(p.id)) === jidToPhone(me)));
    if (!mine) throw new CommandError('not_member', `this account is not in group ${ser(chat.id)}`);
    if (!mine.isAdmin && !mine.isSuperAdmin) throw new CommandError('not_admin', `this account is not an admin of group ${ser(chat.id)}`);
}

function mapAdds(res: Record<string, { code?: number; statusCode?: number; message?: string }> | string | null | undefined, asked: string[]): AddResult[] {
    if (typeof res === 'string') throw new CommandError('failed', res);
    const out: AddResult[] = [];
    for (const jid of asked) {
        const r = res?.[jid];
        const code = Number(r?.code ?? r?.statusCode ?? 0);
        out.push({ participant: jidToPhone(jid) ?? jid, code, status: ADD_STATUS[code] ?? 'failed', message: r?.message ?? (code ? `WhatsApp answered ${code}` : 'WhatsApp gave no answer for this participant') });
    }
    return out;
}

export interface CreateArgs { name: string; participants: string[]; description: string; announce: boolean; adminsAddOnly: boolean; community: string | null }

export function parseCreate(args: Record<string, any>): CreateArgs {
    if (typeof args.name !== 'string' || !args.name.trim() || args.name.length > 100) throw bad('name: 1 to 100 characters (WhatsApp\'s subject limit)');
    if (args.description !== undefined && (typeof args.description !== 'string' || args.description.length > 2048)) throw bad('description: at most 2,048 characters');
    if (args.community != null && (typeof args.community !== 'string' || !GROUP_RE.test(args.community))) throw bad('community: a …@g.us id');
    return {
        name: args.name.trim(), participants: peopleArg(args, 'participants', 50, true), description: args.description ?? '',
        announce: !!args.announce, adminsAddOnly: args.admins_add_only !== false, community: args.community ?? null,
    };
}

/** group.create: the group, its settings and description, its invite code, and per participant what
 *  WhatsApp said (the creation adds them like addParticipants does). */
export async function createGroup(client: WClientLike, me: string | null, a: CreateArgs) {
    const res = await client.createGroup(a.name, a.participants, {
        autoSendInviteV4: false, memberAddMode: a.adminsAddOnly, isAnnounce: a.announce, ...(a.community ? { parentGroupId: a.community } : {}),
    });
    if (typeof res === 'string') throw new CommandError('failed', res);
    const id = ser(res?.gid) ?? null;
    if (!id) throw new CommandError('failed', 'WhatsApp did not return a group id');
    const chat = await groupChat(client, id);
    // The options are not applied by every WhatsApp Web build: set them explicitly (idempotent).
    if (a.description && chat.setDescription) await chat.setDescription(a.description);
    if (chat.setMessagesAdminsOnly) await chat.setMessagesAdminsOnly(a.announce);
    if (chat.setAddMembersAdminsOnly) await chat.setAddMembersAdminsOnly(a.adminsAddOnly);
    let invite: string | null = null;
    try { invite = chat.getInviteCode ? (await chat.getInviteCode()) || null : null; } catch { invite = null; }
    const parts = res.participants ?? {};
    void me;
    return { group_id: id, invite_code: invite, participants: mapAdds(parts, a.participants) };
}

export async function addMembers(client: WClientLike, me: string | null, group: string, people: string[]): Promise<{ results: AddResult[] }> {
    const chat = await groupChat(client, group);
    needAdmin(chat, me);
    if (!chat.addParticipants) throw new CommandError('unsupported', 'this engine cannot add participants');
    // One at a time is the core's pacing (>= 10 s apart); within one call whatsapp-web.js sleeps 250-500 ms.
    const res = await chat.addParticipants(people, { autoSendInviteV4: false });
    return { results: mapAdds(res as any, people) };
}

export async function removeMembers(client: WClientLike, me: string | null, group: string, people: string[]): Promise<{ removed: number }> {
    const chat = await groupChat(client, group);
    needAdmin(chat, me);
    if (!chat.removeParticipants) throw new CommandError('unsupported', 'this engine cannot remove participants');
    const present = new Set((chat.groupMetadata?.participants ?? []).map((p) => ser(p.id)));
    const here = people.filter((p) => present.has(p));
    if (here.length) await chat.removeParticipants(here);
    return { removed: here.length };
}

export async function inviteCode(client: WClientLike, me: string | null, group: string): Promise<{ invite_code: string }> {
    const chat = await groupChat(client, group);
    needAdmin(chat, me);
    const code = chat.getInviteCode ? await chat.getInviteCode() : undefined;
    if (!code || typeof code !== 'string') throw new CommandError('failed', 'WhatsApp gave no invite code');
    return { invite_code: code };
}

/** Revokes the group's link; the old one answers "reset" from now on. Answers the new code. */
export async function revokeInvite(client: WClientLike, me: string | null, group: string): Promise<{ invite_code: string }> {
    const chat = await groupChat(client, group);
    needAdmin(chat, me);
    if (!chat.revokeInvite) throw new CommandError('unsupported', 'this engine cannot revoke invite links');
    const code = await chat.revokeInvite();
    if (!code || typeof code !== 'string') throw new CommandError('failed', 'WhatsApp gave no new invite code');
    return { invite_code: code };
}

export async function joinRequests(client: WClientLike, me: string | null, group: string) {
    const chat = await groupChat(client, group);
    needAdmin(chat, me);
    if (!chat.getGroupMembershipRequests) throw new CommandError('unsupported', 'this engine cannot read join requests');
    const reqs = await chat.getGroupMembershipRequests();
    return {
        requests: (reqs ?? []).map((r) => {
            const id = ser(r.id) ?? '';
            return { id, phone: jidToPhone(id), lid: id.endsWith('@lid') ? id : null, method: r.requestMethod ?? null, requested_at: r.t ? new Date(r.t * 1000).toISOString() : null };
        }).filter((r) => r.id),
    };
}

/** Approves or rejects the named requests (never "all": an empty list would let everyone in). */
export async function decideRequests(client: WClientLike, me: string | null, group: string, requesters: string[], approve: boolean) {
    const chat = await groupChat(client, group);
    needAdmin(chat, me);
    const fn = approve ? chat.approveGroupMembershipRequests : chat.rejectGroupMembershipRequests;
    if (!fn) throw new CommandError('unsupported', 'this engine cannot answer join requests');
    const res = await fn.call(chat, { requesterIds: requesters, sleep: [250, 500] });
    const byId = new Map((res ?? []).map((r) => [r.requesterId, r]));
    return {
        results: requesters.map((id) => {
            const r = byId.get(id);
            const ok = !!r && !r.error;
            return { requester: id, ok, message: r ? (r.message ?? (ok ? 'done' : `error ${r.error}`)) : 'no such request (answered elsewhere, or withdrawn)' };
        }),
    };
}

export interface SettingsArgs { announce?: boolean; adminsAddOnly?: boolean; description?: string }

export function parseSettings(args: Record<string, any>): SettingsArgs {
    const out: SettingsArgs = {};
    if (args.announce !== undefined) { if (typeof args.announce !== 'boolean') throw bad('announce: true or false'); out.announce = args.announce; }
    if (args.admins_add_only !== undefined) { if (typeof args.admins_add_only !== 'boolean') throw bad('admins_add_only: true or false'); out.adminsAddOnly = args.admins_add_only; }
    if (args.description !== undefined) { if (typeof args.description !== 'string' || args.description.length > 2048) throw bad('description: at most 2,048 characters'); out.description = args.description; }
    if (!Object.keys(out).length) throw bad('one of announce, admins_add_only, description is required');
    return out;
}

export async function groupSettings(client: WClientLike, me: string | null, group: string, s: SettingsArgs) {
    const chat = await groupChat(client, group);
    needAdmin(chat, me);
    const refused = (what: string) => new CommandError('not_admin', `WhatsApp refused to change ${what} (no admin rights)`);
    if (s.announce !== undefined && chat.setMessagesAdminsOnly && !(await chat.setMessagesAdminsOnly(s.announce))) throw refused('who may send messages');
    if (s.adminsAddOnly !== undefined && chat.setAddMembersAdminsOnly && !(await chat.setAddMembersAdminsOnly(s.adminsAddOnly))) throw refused('who may add members');
    if (s.description !== undefined && chat.setDescription && !(await chat.setDescription(s.description))) throw refused('the description');
    return {};
}

/** message.delete: deletes a message for everyone (an admin may delete members' messages). */
export async function deleteMessage(client: WClientLike, messageId: string): Promise<{ deleted: boolean }> {
    if (!client.getMessageById) throw new CommandError('unsupported', 'this engine cannot look messages up');
    const msg = await client.getMessageById(messageId);
    if (!msg) throw new CommandError('not_found', `message ${messageId} is not in this session (too old, or already deleted)`);
    if (!msg.delete) throw new CommandError('unsupported', 'this engine cannot delete messages');
    try { await msg.delete(true); } catch (err) {
        const m = (err as Error)?.message ?? String(err);
        if (/admin/i.test(m)) throw new CommandError('not_admin', m);
        throw new CommandError('failed', m);
    }
    return { deleted: true };
}
