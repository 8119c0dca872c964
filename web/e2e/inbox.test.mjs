// Browser test of the team inbox (issue 10 item 1) against a real `sangam serve` with the simulated
// WhatsApp network: a contact writes to a linked number, the conversation appears live with its unread
// count, a team member opens it, answers with a suggested saved reply, sees it sent, assigns it and
// marks it done; the page fits a phone, and axe finds nothing serious on it at either size.
//
//   npm run build && node --test e2e/inbox.test.mjs      (from web/; SANGAM_BIN overrides ../build/sangam)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, checkPage, settle } from './harness.mjs';

const SIM_ENV = { SANGAM_CONNECTOR: 'auto', SANGAM_SIM_SPEED: '20', SANGAM_SIM_SEED: '7' };

const h = new Harness();
/** @type {import('playwright-core').Page} */
let page;

before(async () => {
  await h.start({ name: 'e2e-inbox', env: SIM_ENV });
  page = h.page;
});
after(async () => {
  await h.stop();
});

const api = (method, url, body) => h.api(method, url, body);

const waitApi = (get, pred, what, timeout = 20_000) => h.waitApi(get, pred, what, timeout);

test('inbox: a contact writes in, the team answers from the dashboard', async (t) => {
  let pid = 0;
  let aid = 0;
  await t.test('a project with a simulated number and a saved reply', async () => {
    await h.login();
    await page.getByRole('heading', { name: 'New project' }).waitFor();
    ({ pid, aid } = await h.projectWithSimNumber({ name: 'PoultryCare', slug: 'poultrycare-inbox' }, { phone: '+919800000077', label: 'Support' }, 20_000));
    const s = await api('POST', `/projects/${pid}/inbox/saved-replies`, { name: 'Price list', body: 'Namaste {{first_name|ji}}, the starter feed is ₹1,450 a bag.', keywords: ['price'] });
    assert.equal(s.status, 201, JSON.stringify(s.body));
  });

  await t.test('the empty inbox says what will appear there', async () => {
    await page.goto(`${h.baseUrl}/projects/${pid}`);
    await page.getByTestId('nav-inbox').click();
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    await page.getByText('No conversations here').waitFor();
  });

  await t.test('a message from a contact appears live, unread', async () => {
    const r = await api('POST', `/projects/${pid}/accounts/${aid}/sim/incoming`, { from: '+919811100077', body: 'What is the price of starter feed?' });
    assert.equal(r.status, 202);
    const item = page.getByTestId('conversation').first();
    await item.waitFor({ timeout: 15_000 });
    assert.match(await item.innerText(), /What is the price of starter feed\?/);
    assert.match(await item.innerText(), /Needs an answer/);
    await page.getByLabel('1 unread').waitFor();
    await h.shot('80-inbox-list');
  });

  await t.test('opening it reads it; the suggested saved reply fills the answer, which goes out', async () => {
    await page.getByTestId('conversation').first().click();
    const thread = page.getByTestId('thread');
    await thread.waitFor();
    await thread.getByText('What is the price of starter feed?').waitFor();
    await page.getByLabel('1 unread').waitFor({ state: 'detached' });
    await page.getByTestId('suggestions').getByRole('button', { name: 'Price list' }).click();
    assert.equal(await page.getByTestId('answer').inputValue(), 'Namaste ji, the starter feed is ₹1,450 a bag.');
    await page.getByTestId('send-answer').click();
    const mine = thread.getByTestId('message-out');
    await mine.waitFor();
    assert.match(await mine.innerText(), /₹1,450/);
    await mine.getByText('Sent', { exact: true }).waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('answer').inputValue(), '', 'the box is empty again');
    await h.shot('81-inbox-thread');
    const c = await api('GET', `/projects/${pid}/inbox?status=all`);
    assert.equal(c.body.items[0].needs_reply, false);
    const { problems } = await checkPage(page, 'inbox with a thread at desktop');
    assert.deepEqual(problems, []);
  });

  await t.test('assign it and mark it done: it leaves the open list', async () => {
    await page.getByTestId('assign').selectOption({ index: 1 });
    await waitApi(() => api('GET', `/projects/${pid}/inbox?assignee=me`), (r) => r.body.items.length === 1, 'assigned to me');
    await page.getByTestId('mark-done').click();
    await page.getByText('No conversations here').waitFor();
    const done = await api('GET', `/projects/${pid}/inbox?status=done`);
    assert.equal(done.body.items.length, 1);
  });

  await t.test('on a phone the list and the thread take turns', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${h.baseUrl}/projects/${pid}/inbox`);
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await page.getByTestId('conversation').first().click();
    await page.getByTestId('thread').waitFor();
    assert.equal(await page.getByTestId('conversation-list').isVisible(), false, 'the list hides behind the thread');
    await settle(page);
    await h.shot('82-inbox-mobile');
    const { problems } = await checkPage(page, 'inbox thread at 390x844');
    assert.deepEqual(problems, []);
    await page.getByRole('button', { name: '← Conversations' }).click();
    await page.getByTestId('conversation-list').waitFor();
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
