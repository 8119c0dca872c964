// Browser test of the Analytics page (issue 9 item 6) on the demo's generated history: KPI cards with
// month-over-month change, the charts drawn by ECharts, the campaign, account, group and lead tables,
// a lead's journey with the three attribution models, and a live update: a lead posted while the page
// is open appears without a reload. Screenshots at the phone and desktop sizes.
//
//   npm run build && node --test e2e/analytics.test.mjs      (from web/; SANGAM_BIN overrides ../build/sangam)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, VIEWPORTS, settle } from './harness.mjs';

const h = new Harness();
/** @type {import('playwright-core').Page} */
let page;

before(async () => {
  // No connector: the history comes from the generator, and the test needs no WhatsApp session.
  await h.start({ name: 'e2e-analytics', command: 'demo', env: { SANGAM_CONNECTOR: 'off' } });
  page = h.page;
});
after(async () => {
  await h.stop();
});

const api = (method, url, body) => h.api(method, url, body);

test('analytics page on the demo history: cards, charts, tables, a journey, live leads', { timeout: 120_000 }, async () => {
  await h.login();
  await page.getByTestId('nav-overview').waitFor();
  const projects = (await api('GET', '/projects')).body.items;
  const poultry = projects.find((p) => p.slug === 'poultrycare');
  assert.ok(poultry, 'the demo has PoultryCare');

  await page.goto(`${h.baseUrl}/projects/${poultry.id}/analytics`);
  await page.getByTestId('kpis').waitFor();
  await settle(page);
  assert.equal(await page.getByTestId('nav-analytics').getAttribute('aria-current'), 'page');
  // Six cards, each with a value; contacts come from the generated groups.
  const cards = page.getByTestId('kpis').locator('.kpi');
  assert.equal(await cards.count(), 6);
  const contacts = await page.getByTestId('kpi-contacts').locator('.kpi-value').innerText();
  assert.ok(Number(contacts.replace(/\D/g, '')) > 100, `contacts card: ${contacts}`);
  // ECharts (the shared components/charts/EChart, SVG renderer) drew in each chart box.
  for (const id of ['chart-daily', 'chart-hours']) {
    await page.getByTestId(id).locator('svg').first().waitFor();
  }
  assert.match(await page.getByTestId('best-hour').innerText(), /Best hour so far: \d\d:00/);
  // The campaign table has the generated campaigns with sends and reads.
  const rows = page.getByTestId('campaign-table').locator('tbody tr');
  assert.ok((await rows.count()) > 10, 'campaign rows');
  // Real campaigns (issue 9 item 3): named, and the same ones the Campaigns page lists.
  const names = await rows.locator('td:first-child').allInnerTexts();
  assert.ok(names.every((n) => !/^Campaign #/.test(n)), `unnamed campaigns: ${names.filter((n) => /^Campaign #/.test(n)).join(', ')}`);
  const listed = new Set((await api('GET', `/projects/${poultry.id}/campaigns`)).body.items.map((c) => c.name));
  assert.ok(names.every((n) => listed.has(n)), `not on the Campaigns page: ${names.filter((n) => !listed.has(n)).join(', ')}`);
  // Groups ranked by leads; the first has at least one.
  const firstGroup = page.getByTestId('group-table').locator('tbody tr').first();
  assert.ok(Number(await firstGroup.locator('td').nth(2).innerText()) >= 1, 'the top group has leads');
  await h.shot('analytics-desktop', { readme: 'analytics.png' });

  // A lead's journey: steps from the group import to the form, and the three models side by side.
  await page.getByTestId('lead-table').getByRole('button', { name: /Journey of the lead/ }).first().click();
  const journey = page.getByTestId('journey');
  await journey.waitFor();
  assert.match(await journey.innerText(), /Submitted the form/);
  assert.match(await journey.innerText(), /Last touch[\s\S]*First touch[\s\S]*Linear/);
  await journey.scrollIntoViewIfNeeded();
  await h.shot('analytics-journey');

  // Live: a lead entered now (by hand, through the API) shows in the table without a reload.
  const before = await page.getByTestId('kpi-leads').locator('.kpi-value').innerText();
  const res = await api('POST', `/projects/${poultry.id}/leads/manual`, { phone: '+91 97000 55501', form: 'walk-in' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await page.getByTestId('lead-table').getByText('walk-in').waitFor({ timeout: 15_000 });
  const afterValue = await page.getByTestId('kpi-leads').locator('.kpi-value').innerText();
  assert.equal(Number(afterValue.replace(/\D/g, '')), Number(before.replace(/\D/g, '')) + 1);

  await page.setViewportSize(VIEWPORTS.phone);
  await page.goto(`${h.baseUrl}/projects/${poultry.id}/analytics`);
  await page.getByTestId('kpis').waitFor();
  await settle(page);
  await h.shot('analytics-phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px on a phone`);
});
