// Browser test of the Groups page (issue 7 item 12) against a real `sangam serve` with the simulated
// WhatsApp network: a linked number's groups appear with their phase and member counts, sync progress
// shows, a group opens with its activity and key members, a bad invite link is refused in the join
// dialog and a good one joins.
//
//   npm run build && node --test e2e/groups.test.mjs      (from web/; SANGAM_BIN overrides ../build/sangam)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Harness } from './harness.mjs';

const SIM_ENV = { SANGAM_CONNECTOR: 'auto', SANGAM_SIM_SPEED: '20', SANGAM_SIM_SEED: '7' };
const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { publicInvites } = require(path.join(ROOT, 'connector', 'dist', 'src', 'sim', 'world.js'));
const OPEN = publicInvites(7).find((i) => i.state === 'open');

const h = new Harness();
/** @type {import('playwright-core').Page} */
let page;

before(async () => {
  await h.start({ name: 'e2e-groups', env: SIM_ENV });
  page = h.page;
});
after(async () => {
  await h.stop();
});

const api = (method, url, body) => h.api(method, url, body);

const waitApi = (get, pred, what, timeout = 20_000) => h.waitApi(get, pred, what, timeout);

test('groups: a linked number\'s groups, a group\'s activity, joining by link', async (t) => {
  let pid = 0;
  let aid = 0;
  await t.test('a project with a simulated number, linked by a simulated scan', async () => {
    await h.login();
    await page.getByRole('heading', { name: 'New project' }).waitFor();
    ({ pid, aid } = await h.projectWithSimNumber({ name: 'PoultryCare', slug: 'poultrycare-e2e' }, { phone: '+919800000088', label: 'Main' }, 20_000));
  });

  await t.test('the Groups page lists the synced groups with phase, members and sync progress', async () => {
    await page.goto(`${h.baseUrl}/projects/${pid}`);
    await page.getByTestId('nav-groups').click();
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await page.locator('[data-testid="sync-list"] li[data-status="done"]').waitFor({ timeout: 20_000 });
    const rows = page.locator('[data-testid="groups-table"] tbody tr');
    await rows.first().waitFor();
    assert.ok((await rows.count()) >= 4, 'groups, community and channel');
    const text = await page.locator('[data-testid="groups-table"]').innerText();
    assert.match(text, /Community/);
    assert.match(text, /Channel/);
    assert.match(text, /Value posts|Observing/);
    await h.shot('60-groups');
  });

  await t.test('a group opens with our number\'s phase, activity and key members', async () => {
    const list = await api('GET', `/projects/${pid}/groups?kind=group`);
    const g = list.body.items[0];
    for (const body of ['இன்று கோழி தீவனம் விலை என்ன?', 'தீவனம் விலை 40']) {
      assert.equal((await api('POST', `/projects/${pid}/accounts/${aid}/sim/incoming`, { chat: g.wa_id, from: '+919811100002', body })).status, 202);
    }
    await waitApi(() => api('GET', `/projects/${pid}/groups/${g.id}`), (r) => r.body.activity.messages_7d >= 2, 'messages counted');
    await page.reload();
    await page.locator(`tr[data-group-id="${g.id}"] .group-cell`).click();
    const drawer = page.getByTestId('group-drawer');
    await drawer.waitFor();
    await drawer.getByTestId('group-keywords').waitFor();
    assert.match(await drawer.getByTestId('group-keywords').innerText(), /விலை/);
    await h.shot('61-group-drawer');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  await t.test('"See the members" opens the contacts of that group, with names the members gave themselves', async () => {
    const list = await api('GET', `/projects/${pid}/groups?kind=group`);
    const g = list.body.items.find((x) => x.size > 0) ?? list.body.items[0];
    const members = await api('GET', `/projects/${pid}/contacts?group=${g.id}&limit=500`);
    assert.ok(members.body.total > 0, 'the sync imported the group\'s members');
    // Push names come from the engine's contact list (participants carry none).
    assert.ok(members.body.items.some((c) => c.name), `some member has a name: ${JSON.stringify(members.body.items.slice(0, 3))}`);
    await page.goto(`${h.baseUrl}/projects/${pid}/groups/`);  // a trailing slash is the same page
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await page.locator(`tr[data-group-id="${g.id}"] .group-cell`).click();
    await page.getByTestId('group-members-link').click();
    // The chip names the group once its name has loaded ("Members of one group" until then).
    await page.getByTestId('filter-group').filter({ hasText: g.name }).waitFor();
    const total = members.body.total;
    await page.getByTestId('contacts-total').filter({ hasText: `${total.toLocaleString('en-IN')} contact` }).waitFor();
    await page.getByRole('button', { name: 'Show contacts of every group' }).click();
    await page.getByTestId('filter-group').waitFor({ state: 'detached' });
  });

  await t.test('a malformed invite link is refused in the dialog; a good one joins', async () => {
    await page.goto(`${h.baseUrl}/projects/${pid}/groups`);
    await page.getByTestId('groups-join').click();
    await page.getByTestId('join-invite').fill('https://chat.whatsapp.com/not a link');
    await page.getByTestId('join-submit').click();
    const err = page.getByTestId('join-error');
    await err.waitFor();
    assert.match(await err.innerText(), /invite/i);
    await h.shot('62-join-error');
    await page.getByTestId('join-invite').fill(`https://chat.whatsapp.com/${OPEN.code}`);
    await page.getByTestId('join-submit').click();
    await page.getByTestId('join-dialog').waitFor({ state: 'detached', timeout: 20_000 });
    await page.locator('[data-testid="groups-table"]', { hasText: OPEN.name }).waitFor({ timeout: 20_000 });
  });
});
