// Bridge protocol v1 frames (docs/bridge-protocol.md). Only plain JSON crosses the bridge.

export type ErrorCode = 'bad_request' | 'unknown_account' | 'not_ready' | 'unsupported' | 'failed'
    // group.invite_info / group.join: the link is unknown, was reset by an admin, or the group is full.
    | 'invite_invalid' | 'invite_expired' | 'group_full'
    // group admin commands: we are no longer in the group, we are not its admin, the message is gone.
    | 'not_member' | 'not_admin' | 'not_found';

export interface CommandFrame {
    type: 'command';
    id: string;
    command: string;
    account_id?: number | string;
    args?: Record<string, unknown>;
}

export interface ResponseFrame {
    type: 'response';
    id: string;
    ok: boolean;
    data?: Record<string, unknown>;
    error?: { code: string; message: string };
}

/** A command failure with one of the protocol's error codes. */
export class CommandError extends Error {
    constructor(public readonly code: ErrorCode, message: string) {
        super(message);
        this.name = 'CommandError';
    }
}

/** A failed core response to one of our requests. */
export class RequestError extends Error {
    constructor(public readonly code: string, message: string) {
        super(message);
        this.name = 'RequestError';
    }
}

export type AccountId = number | string;

/** Emits bridge events for one account; implemented by the bridge client (or a fake in tests). */
export type EventSink = (event: string, accountId: AccountId, data: Record<string, unknown>) => void;

/** Sends a request to the core and resolves with its `data` (rejects with RequestError). */
export type Requester = (request: string, accountId: AccountId, args: Record<string, unknown>) => Promise<Record<string, unknown>>;
