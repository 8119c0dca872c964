// Channel followers on the simulated network (issue 10 item 10): a channel's follower count grows
// day by day, as a real channel that posts regularly does, so the core's daily count has a curve to
// keep. The growth is deterministic per channel (its id) and per day: a test and the demo see the
// same numbers for the same day.
import type { SimChannel } from './world';

/** 2026-01-01T00:00:00Z: the world's followers are its channels' counts on this day. */
export const FOLLOWERS_EPOCH_MS = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;

function hash(s: string): number {
    let h = 2166136261;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return h >>> 0;
}

/** New followers a day: 2 to 19, by channel, and ±1 from one day to the next. */
export function dailyGrowth(channelId: string, day: number): number {
    return 2 + (hash(channelId) % 18) + ((hash(`${channelId}|${day}`) % 3) - 1);
}

/** The channel's followers at `nowMs` (never below its count at the epoch). */
export function followersAt(c: Pick<SimChannel, 'id' | 'followers'>, nowMs: number): number {
    const days = Math.max(0, Math.floor((nowMs - FOLLOWERS_EPOCH_MS) / DAY_MS));
    let n = c.followers;
    for (let d = 0; d < days; d++) n += dailyGrowth(c.id, d);
    return n;
}
