// The metrics lab in the page: the classic five-sample example shows scikit-learn's
// numbers, editing a list recomputes at once, and a bad list is named in the alert.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, openPage, assertNoProblems, BASE, CLI } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

const value = (page, key) => page.$eval(`#metrics-table tr[data-metric="${key}"] td:nth-child(2)`, (td) => td.textContent);

test('metrics lab: the classic example, live edits, bad input, CLI agreement', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(`${BASE}#lab=metrics`);
  await page.waitForSelector('#metrics-table tr[data-metric="accuracy"]');
  assert.equal(await value(page, 'accuracy'), '0.6');
  assert.equal(await value(page, 'precision'), '0.6666666666666666');
  assert.equal(await value(page, 'roc_auc'), '0.5833333333333333');
  assert.equal(await page.isHidden('#train'), true, 'nothing to train in this lab');

  // The page shows what the CLI prints for the same link.
  const link = await page.evaluate(() => location.hash);
  const cli = JSON.parse(execFileSync(CLI, ['run', link], { encoding: 'utf8' }).trim().split('\n').at(-1));
  for (const key of ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'matthews_corrcoef']) {
    assert.equal(await value(page, key), String(cli[key]), key);
  }

  await page.fill('[name="y_pred"]', '0,1,1,0,1');
  await page.dispatchEvent('[name="y_pred"]', 'change');
  await page.waitForFunction(() => document.querySelector('#metrics-table tr[data-metric="accuracy"] td:nth-child(2)').textContent === '1');
  assert.match(await page.evaluate(() => location.hash), /y_pred=0,1,1,0,1/);

  await page.fill('[name="y_true"]', '0,1,x');
  await page.dispatchEvent('[name="y_true"]', 'change');
  const alert = page.getByRole('alert').filter({ hasText: 'y_true' });
  await alert.waitFor({ timeout: 10_000 });
  assert.match(await alert.textContent(), /x/);
  assertNoProblems(problems);
});
