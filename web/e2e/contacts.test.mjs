// Browser test of the Contacts page (issue 7): import a CSV through the dialog, watch the job finish,
// read the rejected-rows report, filter the table by consent and by name, open a contact's detail.
//
//   npm run build && node --test e2e/contacts.test.mjs      (from web/; SANGAM_BIN overrides ../build/sangam)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from './harness.mjs';

const h = new Harness();
/** @type {import('playwright-core').Page} */
let page;

before(async () => {
  await h.start({ name: 'e2e-contacts', env: { SANGAM_CONNECTOR: 'off' } });
  page = h.page;
});

after(async () => {
  await h.stop();
});

const CSV = [
  'phone,name,tags,consent,consent_source',
  '+91 98000 40001,Ravi Kumar,broiler,opted_in,stall sign-up',
  '09800040002,Meena S,layer,,',
  '12345,Bad Number,,,',
  '98000 40003,"Asha, Devi",,opted_out,called us',
].join('\n');

test('contacts: CSV import with progress and rejected rows, filters, detail', async (t) => {
  await t.test('log in and create a project', async () => {
    await h.login();
    await page.getByRole('heading', { name: 'New project' }).waitFor();
    await page.getByLabel('Project name').fill('PoultryCare');
    await page.getByTestId('save-project').click();
    await page.getByRole('heading', { name: 'PoultryCare', level: 1 }).waitFor();
  });

  await t.test('the Contacts page starts empty', async () => {
    await page.getByTestId('nav-contacts').click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByText('No contacts yet').waitFor();
  });

  await t.test('a CSV import shows its progress, counts and every rejected line', async () => {
    await page.getByTestId('import-contacts').click();
    await page.getByTestId('import-file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByTestId('import-start').click();
    const status = page.getByTestId('import-status');
    await page.waitForFunction(() => /Done:/.test(document.querySelector('[data-testid="import-status"]')?.textContent ?? ''));
    assert.match(await status.innerText(), /3 new, 0 updated, 1 rejected/);
    const rejected = page.getByTestId('import-rejected');
    assert.match(await rejected.innerText(), /4\s+invalid phone "12345": too few digits/);
    await h.shot('70-contacts-import');
    await page.getByTestId('import-close').click();
  });

  await t.test('the table shows the total and filters by consent and by name', async () => {
    await page.waitForFunction(() => document.querySelector('[data-testid="contacts-total"]')?.textContent?.startsWith('3 contacts'));
    await page.getByTestId('filter-consent').selectOption('opted_out');
    await page.waitForFunction(() => document.querySelector('[data-testid="contacts-total"]')?.textContent?.startsWith('1 contact'));
    assert.match(await page.getByTestId('contacts-table').innerText(), /Asha, Devi/);
    await page.getByTestId('filter-consent').selectOption('');
    await page.getByTestId('contact-search').fill('mee');
    await page.waitForFunction(() => document.querySelector('[data-testid="contacts-total"]')?.textContent?.startsWith('1 contact'));
    assert.match(await page.getByTestId('contacts-table').innerText(), /Meena S/);
    await page.getByTestId('contact-search').fill('');
    await page.waitForFunction(() => document.querySelector('[data-testid="contacts-total"]')?.textContent?.startsWith('3 contacts'));
    await h.shot('71-contacts-table');
  });

  await t.test('a contact opens with its consent history', async () => {
    await page.getByRole('button', { name: /Ravi Kumar/ }).click();
    const history = page.getByTestId('consent-history');
    await history.waitFor();
    assert.match(await history.innerText(), /stall sign-up/);
    await h.shot('72-contact-detail');
  });

  await t.test('the page fits a phone screen', async () => {
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('contacts-table').waitFor();
    await h.shot('73-contacts-mobile');
  });
});
