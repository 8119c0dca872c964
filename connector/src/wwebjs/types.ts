// The subset of whatsapp-web.js's Client API that the connector uses. The real Client (webjs engine),
// the simulated client (sim engine) and the fake client of the unit tests all satisfy it, so the same
// event-mapping and command code runs against each of them.
import { EventEmitter } from 'events';

/** whatsapp-web.js serialises ids as objects with `_serialized`; some fields are plain strings. */
export type WId = string | { _serialized: string; user?: string; server?: string; remote?: any; id?: string; fromMe?: boolean };

export interface WMessage {
    id: { _serialized: string; fromMe: boolean; remote?: WId; id?: string };
    from: string;
    to: string;
    author?: string | null;
    body: string;
    type: string;
    timestamp: number;          // seconds since epoch
    fromMe: boolean;
    hasQuotedMsg?: boolean;
    mentionedIds?: WId[];
    isStatus?: boolean;
    pollName?: string;          // poll_creation messages: the question
    ack?: number;
    _data?: { quotedStanzaID?: string; quotedParticipant?: WId; quotedRemoteJid?: string; [k: string]: any };
}

export interface WParticipant { id: WId; isAdmin?: boolean; isSuperAdmin?: boolean }

export interface WChat {
    id: WId;
    name: string;
    isGroup: boolean;
    unreadCount?: number;
    timestamp?: number;
    groupMetadata?: {
        desc?: string;
        announce?: boolean;
        isParentGroup?: boolean;
        parentGroup?: WId | null;
        participants?: WParticipant[];
        [k: string]: any;
    };
    getInviteCode?(): Promise<string>;
    // GroupChat's admin methods (whatsapp-web.js 1.34; group admin commands, wwebjs/group_admin.ts).
    addParticipants?(ids: string[], options?: { sleep?: number | number[]; autoSendInviteV4?: boolean; comment?: string }): Promise<Record<string, { code: number; message: string; isInviteV4Sent?: boolean }> | string>;
    removeParticipants?(ids: string[]): Promise<{ status: number } | unknown>;
    revokeInvite?(): Promise<string>;
    getGroupMembershipRequests?(): Promise<WMembershipRequest[]>;
    approveGroupMembershipRequests?(o: { requesterIds?: string[]; sleep?: number | number[] | null }): Promise<WMembershipResult[]>;
    rejectGroupMembershipRequests?(o: { requesterIds?: string[]; sleep?: number | number[] | null }): Promise<WMembershipResult[]>;
    setMessagesAdminsOnly?(adminsOnly: boolean): Promise<boolean>;
    setAddMembersAdminsOnly?(adminsOnly: boolean): Promise<boolean>;
    setDescription?(description: string): Promise<boolean>;
    sendStateTyping(): Promise<void>;
    sendStateRecording(): Promise<void>;
    clearState(): Promise<void>;
    sendSeen(): Promise<boolean | void>;
    /** whatsapp-web.js Chat.fetchMessages: the last `limit` messages (loading earlier ones as needed). */
    fetchMessages?(o: { limit?: number; fromMe?: boolean }): Promise<WMessage[]>;
}

/** GroupChat.getGroupMembershipRequests(): one person waiting to be let in. */
export interface WMembershipRequest { id: WId; addedBy?: WId | null; parentGroupId?: WId | null; requestMethod?: string; t?: number }
/** approve/rejectGroupMembershipRequests: one answer per requester (`error` set when it failed). */
export interface WMembershipResult { requesterId: string; error?: number; message?: string }

/** What WAWebGroupQueryJob.queryGroupInvite answers (the fields we read). */
export interface WInviteInfo {
    id?: WId;
    subject?: string;
    desc?: string;
    size?: number;
    announce?: boolean;
    isParentGroup?: boolean;
    [k: string]: any;
}

export interface WChannel {
    id: WId;
    name: string;
    description?: string;
    channelMetadata?: { membershipType?: string; subscribersCount?: number; [k: string]: any };
}

export interface WClientLike extends EventEmitter {
    info?: { wid: WId & { user?: string }; pushname?: string };
    initialize(): Promise<void>;
    destroy(): Promise<void>;
    logout(): Promise<void>;
    getState(): Promise<string | null>;
    requestPairingCode(phoneNumber: string, showNotification?: boolean): Promise<string>;
    sendMessage(chatId: string, content: any, options?: Record<string, unknown>): Promise<WMessage | null>;
    getChats(): Promise<WChat[]>;
    getChannels(): Promise<WChannel[]>;
    getChatById(chatId: string): Promise<WChat>;
    getContactLidAndPhone(userIds: string[]): Promise<Array<{ lid?: string; pn?: string }>>;
    /** Every contact this client knows, group members included, with the name each set for itself. */
    getContacts?(): Promise<Array<{ id: WId; pushname?: string }>>;
    acceptInvite(inviteCode: string): Promise<string>;
    getInviteInfo(inviteCode: string): Promise<WInviteInfo>;
    createGroup(title: string, participants: string[], options?: Record<string, unknown>): Promise<any>;
    /** A message of ours by its serialized id (group reach reads its per-participant info). */
    getMessageById?(messageId: string): Promise<WInfoMessage | null>;
}

/** What Message.getInfo() answers: who got and who read a message we sent (groups: per participant). */
export interface WMessageInfo {
    delivery: Array<{ id: WId; t: number }>;
    deliveryRemaining: number;
    read: Array<{ id: WId; t: number }>;
    readRemaining: number;
    played: Array<{ id: WId; t: number }>;
    playedRemaining: number;
}
export interface WInfoMessage {
    getInfo(): Promise<WMessageInfo | null>;
    /** Message.delete(everyone): `true` deletes it for everyone (an admin may do so for others' messages). */
    delete?(everyone?: boolean): Promise<void>;
    fromMe?: boolean;
}

/** How an engine builds message contents (whatsapp-web.js checks `instanceof MessageMedia` / `Poll`). */
export interface ContentFactory {
    media(mimetype: string, dataBase64: string, filename: string | null): unknown;
    poll(question: string, options: string[], multiple: boolean): unknown;
}

export function ser(id: WId | null | undefined): string | null {
    if (id == null) return null;
    if (typeof id === 'string') return id;
    if (typeof id === 'object' && typeof id._serialized === 'string') return id._serialized;
    return null;
}

/** '919812345678@c.us' → '+919812345678'; other servers (lid, g.us) → null. */
export function jidToPhone(jid: string | null | undefined): string | null {
    if (!jid) return null;
    const m = /^(\d{6,15})@(c\.us|s\.whatsapp\.net)$/.exec(jid);
    return m ? `+${m[1]}` : null;
}

/** '+91 98123-45678' or '919812345678' → '919812345678@c.us'; a jid passes through. */
export function toJid(idOrPhone: string): string {
    if (idOrPhone.includes('@')) return idOrPhone;
    const digits = idOrPhone.replace(/[^\d]/g, '');
    return `${digits}@c.us`;
}
