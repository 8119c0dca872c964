// The simulated network's enforcement model: what unsafe behaviour costs an account.
// Pure and deterministic: every method takes the simulated time (ms). Documented in docs/connector.md.
//
// Rules (each measured in simulated time over a sliding window):
//   burst       more than BURST_MAX sends in any BURST_WINDOW_MS (20 / 1 min)
//   strangers   more than STRANGER_MAX direct messages to non-contacts in a day (30 / 24 h)
//   identical   the same body to more than IDENTICAL_MAX distinct chats in an hour (20 / 1 h)
//   reports     REPORT_MAX recipient reports in a day (3 / 24 h)
// A broken rule is a strike. Strike 1: a temporary restriction (RESTRICT_MS, 12 h): every send fails
// (ack error). RESTRICTED_SENDS_MAX send attempts during a restriction, or a second strike within
// STRIKE_MEMORY_MS (7 days), is a ban (TOS_BLOCK). After a strike its rule's window is cleared, so
// one burst is one strike.

export const BURST_MAX = 20;
export const BURST_WINDOW_MS = 60_000;
export const STRANGER_MAX = 30;
export const IDENTICAL_MAX = 20;
export const REPORT_MAX = 3;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const RESTRICT_MS = 12 * HOUR_MS;
export const RESTRICTED_SENDS_MAX = 3;
export const STRIKE_MEMORY_MS = 7 * DAY_MS;

export type Verdict =
    | { action: 'ok' }
    | { action: 'restricted'; reason: string; until: number; fresh: boolean }   // this send fails
    | { action: 'ban'; reason: string };

export class BanModel {
    private sends: number[] = [];
    private strangerSends: number[] = [];
    private bodies = new Map<string, Array<{ at: number; chat: string }>>();
    private reports: number[] = [];
    private strikes: number[] = [];
    private restrictedUntil = 0;
    private restrictedSends = 0;
    banned: string | null = null;

    isRestricted(now: number): boolean { return now < this.restrictedUntil; }
    get restrictionEnds(): number { return this.restrictedUntil; }

    /** Call for every send attempt; tells whether it goes out, fails (restricted) or bans the account. */
    onSend(now: number, chat: string, body: string, toStranger: boolean): Verdict {
        if (this.banned) return { action: 'ban', reason: this.banned };
        if (this.isRestricted(now)) {
            this.restrictedSends++;
            if (this.restrictedSends >= RESTRICTED_SENDS_MAX) return this.ban('sending while restricted');
            return { action: 'restricted', reason: 'restricted', until: this.restrictedUntil, fresh: false };
        }
        prune(this.sends, now - BURST_WINDOW_MS);
        this.sends.push(now);
        if (this.sends.length > BURST_MAX) { this.sends = []; return this.strike(now, 'burst'); }

        if (toStranger) {
            prune(this.strangerSends, now - DAY_MS);
            this.strangerSends.push(now);
            if (this.strangerSends.length > STRANGER_MAX) { this.strangerSends = []; return this.strike(now, 'messages to non-contacts'); }
        }

        const norm = body.trim().toLowerCase().replace(/\s+/g, ' ');
        if (norm.length >= 8) {
            const list = this.bodies.get(norm) ?? [];
            while (list.length && list[0].at < now - HOUR_MS) list.shift();
            list.push({ at: now, chat });
            this.bodies.set(norm, list);
            if (new Set(list.map((x) => x.chat)).size > IDENTICAL_MAX) { this.bodies.delete(norm); return this.strike(now, 'identical bodies'); }
            if (this.bodies.size > 5000) this.bodies.delete(this.bodies.keys().next().value as string);
        }
        return { action: 'ok' };
    }

    /** A recipient reported the account (spam / block). */
    onReport(now: number): Verdict {
        if (this.banned) return { action: 'ban', reason: this.banned };
        prune(this.reports, now - DAY_MS);
        this.reports.push(now);
        if (this.reports.length >= REPORT_MAX) { this.reports = []; return this.strike(now, 'reports by recipients'); }
        return { action: 'ok' };
    }

    private strike(now: number, reason: string): Verdict {
        prune(this.strikes, now - STRIKE_MEMORY_MS);
        this.strikes.push(now);
        if (this.strikes.length >= 2) return this.ban(reason);
        this.restrictedUntil = now + RESTRICT_MS;
        this.restrictedSends = 0;
        return { action: 'restricted', reason, until: this.restrictedUntil, fresh: true };
    }

    private ban(reason: string): Verdict {
        this.banned = reason;
        return { action: 'ban', reason };
    }
}

function prune(xs: number[], before: number): void {
    let i = 0;
    while (i < xs.length && xs[i] < before) i++;
    if (i) xs.splice(0, i);
}
