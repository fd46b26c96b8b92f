// A link with bad keys: the page names each one in an alert, falls back to the core's
// defaults for them, and still trains.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, gotoLab, controlValue, messages, assertNoProblems, coreSchema } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

test('bad link keys are named in an alert, use defaults, and Train still works', { timeout: 90_000 }, async () => {
  const cnn = (await coreSchema()).find((l) => l.id === 'cnn');
  const defaults = Object.fromEntries(cnn.params.map((p) => [p.name, p.default]));
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=cnn&epochs=999&batch_size=abc&bogus=1');

  const alert = page.getByRole('alert').filter({ hasText: 'bogus' });
  await alert.waitFor({ timeout: 10_000 });
  const text = await alert.textContent();
  for (const key of ['epochs', 'batch_size', 'bogus']) assert.ok(text.includes(key), `the alert does not name ${key}: ${text}`);
  assert.match(text, /1 to 20/, 'the alert gives the allowed range of epochs');

  assert.equal(Number(await controlValue(page, 'epochs')), defaults.epochs);
  assert.equal(Number(await controlValue(page, 'batch_size')), defaults.batch_size);
  assert.equal(await page.locator('[name="bogus"]').count(), 0);

  // The message box can be dismissed from the keyboard.
  const dismiss = alert.getByRole('button');
  await dismiss.first().focus();
  await page.keyboard.press('Enter');
  await alert.waitFor({ state: 'hidden', timeout: 5_000 });

  // Train starts (the keyboard works too) and pauses.
  await page.focus('#train');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__mlpad.messages.some((m) => m.type === 'snapshot'), null, { timeout: 60_000 });
  await page.click('#pause');
  const snaps = await messages(page, 'snapshot');
  assert.ok(snaps[0].snapshot.step >= 1);
  assert.equal(snaps[0].snapshot.epochs, defaults.epochs);
  assertNoProblems(problems);
  await page.context().close();
});
