// Channel followers on the simulated network grow day by day, deterministically (issue 10 item 10).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FOLLOWERS_EPOCH_MS, dailyGrowth, followersAt } from '../src/sim/channels';

const DAY = 86_400_000;
const ch = { id: '120363000000000099@newsletter', followers: 1200 };

test('followers start at the world count and grow 1 to 20 a day, the same for the same day', () => {
    assert.equal(followersAt(ch, FOLLOWERS_EPOCH_MS), 1200);
    assert.equal(followersAt(ch, FOLLOWERS_EPOCH_MS - 10 * DAY), 1200, 'never below the epoch count');
    let prev = followersAt(ch, FOLLOWERS_EPOCH_MS);
    for (let d = 1; d <= 30; d++) {
        const now = followersAt(ch, FOLLOWERS_EPOCH_MS + d * DAY + 3_600_000);
        assert.ok(now - prev >= 1 && now - prev <= 20, `day ${d}: +${now - prev}`);
        prev = now;
    }
    assert.equal(followersAt(ch, FOLLOWERS_EPOCH_MS + 30 * DAY), followersAt(ch, FOLLOWERS_EPOCH_MS + 30 * DAY + 5_000));
});
