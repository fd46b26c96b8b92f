// A link with bad keys: the page names each one in an alert, falls back to the core's
// defaults for them, rewrites the address to the canonical link, and still trains (from
// the keyboard too). A link to a lab the core does not know opens the first lab.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, gotoLab, controlValue, messages, waitForProgress, assertNoProblems, coreSchema } from './helpers.mjs';

let browser, schema;
before(async () => {
  browser = await launch();
  schema = await coreSchema();
});
after(async () => browser && (await browser.close()));

test('bad link keys are named in an alert, use defaults, and Train still works', { timeout: 90_000 }, async () => {
  const cnn = schema.find((l) => l.id === 'cnn');
  const defaults = Object.fromEntries(cnn.params.map((p) => [p.name, p.default]));
  const { page, problems } = await openPage(browser);
  const parsed = await gotoLab(page, '#lab=cnn&epochs=999&batch_size=abc&bogus=1');
  assert.deepEqual(parsed.errors.map((e) => e.key).sort(), ['batch_size', 'bogus', 'epochs']);

  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 10_000 });
  const items = await page.$$eval('#alert-body li', (lis) => lis.map((li) => ({ key: li.dataset.key, text: li.textContent })));
  assert.deepEqual(items.map((i) => i.key).sort(), ['batch_size', 'bogus', 'epochs'], 'one item per bad key');
  for (const i of items) assert.ok(i.text.includes(i.key), `the item does not name ${i.key}: ${i.text}`);
  assert.match(items.find((i) => i.key === 'epochs').text, /1 to 20/, 'the alert gives the allowed range of epochs');

  assert.equal(Number(await controlValue(page, 'epochs')), defaults.epochs);
  assert.equal(Number(await controlValue(page, 'batch_size')), defaults.batch_size);
  assert.equal(await page.locator('[name="bogus"]').count(), 0);
  const hash = await page.evaluate(() => location.hash);
  assert.ok(!hash.includes('bogus') && hash.includes(`epochs=${defaults.epochs}`), `address: ${hash}`);

  // The message box can be dismissed from the keyboard.
  await alert.getByRole('button').focus();
  await page.keyboard.press('Enter');
  await alert.waitFor({ state: 'hidden', timeout: 5_000 });

  // Train starts from the keyboard, with the defaults the alert named.
  await page.focus('#run');
  await page.keyboard.press('Enter');
  await waitForProgress(page, { phase: 'train' });
  await page.click('#pause');
  const first = (await messages(page, 'progress')).find((m) => m.progress.phase === 'train').progress;
  assert.ok(first.step >= 1);
  assert.equal(first.payload.epochs, defaults.epochs);
  assert.equal(first.total * defaults.batch_size >= defaults.train_size * defaults.epochs, true, 'steps of the default batch size');
  assert.equal(await page.isHidden('#alert'), true, 'the dismissed alert stays away');
  assertNoProblems(problems);
  await page.context().close();
});

test('an unknown lab is named and the first lab opens', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const parsed = await gotoLab(page, '#lab=nope&seed=3');
  assert.equal(parsed.lab, schema[0].id);
  assert.ok(parsed.errors.some((e) => e.key === 'lab'), `errors: ${JSON.stringify(parsed.errors)}`);
  assert.match(await page.textContent('#alert-body'), /nope/);
  assert.equal(Number(await controlValue(page, 'seed')), 3, 'the other keys still apply');
  assertNoProblems(problems);
  await page.context().close();
});
