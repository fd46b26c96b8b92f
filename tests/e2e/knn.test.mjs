// The KNN lab in the page: it classifies the held-out images with a progress bar, and its
// accuracy, accuracy for every k and neighbour gallery match the native CLI (which
// matches scikit-learn).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, openPage, gotoLab, assertNoProblems, inkPixels, messages, CLI } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

test('knn lab: progress, accuracy equal to the CLI, gallery with mistakes first', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(`${process.env.MLPAD_URL}#lab=knn&n_samples=2000&n_neighbors=5`);
  await page.waitForSelector('[name="n_neighbors"]');
  assert.equal(await page.inputValue('[name="n_neighbors"]'), '5');
  await page.click('#train');
  await page.waitForFunction(() => document.getElementById('knn-accuracy').dataset.value, null, { timeout: 100_000 });
  const progress = await messages(page, 'knn-progress');
  assert.ok(progress.length >= 1);
  const shown = Number(await page.getAttribute('#knn-accuracy', 'data-value'));
  const link = await page.evaluate(() => location.hash);
  const cli = JSON.parse(execFileSync(CLI, ['run', link], { encoding: 'utf8' }).trim().split('\n').at(-1));
  assert.equal(shown, cli.accuracy);
  assert.ok((await inkPixels(page, '#chart-k')) > 200, 'the accuracy-by-k chart is drawn');
  const rows = await page.$$eval('.knn-row', (rs) => rs.map((r) => ({ wrong: r.classList.contains('wrong'), images: r.querySelectorAll('canvas').length })));
  assert.equal(rows.length, 12);
  assert.ok(rows.every((r) => r.images === 6), 'each row: the test image and its 5 neighbours');
  const firstRight = rows.findIndex((r) => !r.wrong);
  assert.ok(firstRight === -1 || rows.slice(firstRight).every((r) => !r.wrong), 'mistakes come first');
  assert.equal(await page.$$eval('#knn-confusion tr', (t) => t.length), 11);
  assertNoProblems(problems);
});
