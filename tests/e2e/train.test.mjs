// A short CNN run in the page: controls follow the link, data then training progress
// advance, charts, gallery and filters are drawn, and the weights equal the native CLI's
// bit for bit. Then a digit drawn on the pad gets 10 probabilities.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  launch, openPage, gotoLab, controlValue, messages, progressLog, waitForDone, inkPixels,
  drawStroke, assertNoProblems, HEX64, CLI,
} from './helpers.mjs';

const LINK = '#lab=cnn&seed=7&epochs=1&batch_size=32&learning_rate=0.001&train_size=512';
let browser, page, problems;

before(async () => {
  browser = await launch();
  ({ page, problems } = await openPage(browser));
});
after(async () => browser && (await browser.close()));

test('a short run trains in the page and matches the native CLI bit for bit', { timeout: 180_000 }, async () => {
  await gotoLab(page, LINK);
  const expected = { seed: '7', epochs: '1', batch_size: '32', learning_rate: '0.001', train_size: '512' };
  for (const [k, v] of Object.entries(expected)) {
    assert.equal(Number(await controlValue(page, k)), Number(v), `control ${k}`);
  }
  const inkBefore = await inkPixels(page, '#chart-loss');

  await page.click('#train');
  const sha = await waitForDone(page);
  assert.match(sha, HEX64);

  // Data progress: several reports, never going back, ending at the total.
  const data = await messages(page, 'data-progress');
  assert.ok(data.length >= 2, `data-progress messages: ${data.length}`);
  for (let i = 1; i < data.length; i++) assert.ok(data[i].loaded >= data[i - 1].loaded, 'data progress went back');
  assert.equal(data.at(-1).loaded, data.at(-1).total);
  // Training snapshots come after the data and advance to the end.
  const all = await messages(page);
  const firstSnap = all.findIndex((m) => m.type === 'snapshot');
  const lastData = all.findLastIndex((m) => m.type === 'data-progress');
  assert.ok(firstSnap > lastData, 'training began before the data was loaded');
  const snaps = all.filter((m) => m.type === 'snapshot').map((m) => m.snapshot);
  assert.ok(snaps.length >= 2, `snapshots: ${snaps.length}`);
  for (let i = 1; i < snaps.length; i++) assert.ok(snaps[i].step > snaps[i - 1].step, 'step did not advance');
  const final = snaps.at(-1);
  assert.equal(final.done, true);
  assert.equal(final.step, final.total_steps);
  // The progress bar itself moved through several values up to full.
  const bar = await progressLog(page);
  const fractions = bar.map((p) => p.value / p.max);
  assert.ok(new Set(fractions.map((f) => f.toFixed(3))).size >= 3, `progress values: ${fractions.join(', ')}`);
  assert.ok(Math.abs(fractions.at(-1) - 1) < 1e-9, `final progress ${fractions.at(-1)}`);
  const rate = all.filter((m) => m.type === 'snapshot' && m.images_per_second > 0);
  assert.ok(rate.length > 0, 'no images/s reported');
  assert.match(await page.textContent('body'), /images\/s/);

  // Charts, gallery and filters are drawn.
  const inkAfter = await inkPixels(page, '#chart-loss');
  assert.ok(inkAfter > inkBefore + 200, `loss chart ink ${inkBefore} -> ${inkAfter}`);
  assert.ok((await inkPixels(page, '#chart-acc')) > 200, 'accuracy chart is blank');
  const gallery = await page.$$eval('#gallery canvas', (cs) => cs.length);
  assert.equal(gallery, 24, 'gallery images');
  const filterInk = await page.$eval('#filters', (c) => c.width * c.height);
  assert.ok(filterInk > 0, 'filters canvas has no size');
  assert.ok((await inkPixels(page, '#filters')) > 100, 'filters are not drawn');

  // The native CLI run of the same link gives the same weights and test accuracy.
  const lines = execFileSync(CLI, ['run', LINK], { encoding: 'utf8' }).trim().split('\n');
  const summary = JSON.parse(lines.at(-1));
  assert.equal(summary.weights_sha256, sha, 'wasm and native weights differ');
  assert.equal(final.test_accuracy, summary.test_accuracy, 'worker test accuracy vs CLI');
  const shown = await page.$eval('#test-accuracy', (el) => ({ text: el.textContent, value: el.dataset.value }));
  if (shown.value !== undefined) assert.equal(Number(shown.value), summary.test_accuracy);
  const pct = shown.text.match(/(\d+(?:\.\d+)?)\s*%/);
  assert.ok(pct, `#test-accuracy shows no percentage: ${shown.text}`);
  const decimals = (pct[1].split('.')[1] || '').length;
  assert.equal(pct[1], (summary.test_accuracy * 100).toFixed(decimals), `shown ${shown.text} vs CLI ${summary.test_accuracy}`);
  assertNoProblems(problems);
});

test('a digit drawn on the pad gets 10 probabilities summing to 1', { timeout: 60_000 }, async () => {
  // A vertical stroke: a "1".
  await drawStroke(page, '#pad', [[0.5, 0.2], [0.5, 0.5], [0.5, 0.8]]);
  await page.waitForFunction(() => window.__mlpad.messages.some((m) => m.type === 'prediction' && m.probs), null, { timeout: 10_000 });
  const pred = (await messages(page, 'prediction')).filter((m) => m.probs).at(-1);
  assert.equal(pred.probs.length, 10);
  const sum = pred.probs.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
  // The page shows all ten.
  await page.waitForFunction(() => document.querySelectorAll('#probs > *').length === 10, null, { timeout: 5_000 });
  const shown = await page.$$eval('#probs > *', (items) =>
    items.map((li) => (li.dataset.prob !== undefined ? Number(li.dataset.prob) : Number((li.textContent.match(/(\d+(?:\.\d+)?)\s*%/) || [])[1]) / 100)),
  );
  assert.equal(shown.length, 10);
  assert.ok(shown.every((p) => Number.isFinite(p) && p >= 0 && p <= 1), `shown: ${shown}`);
  const shownSum = shown.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(shownSum - 1) < 0.02, `shown probabilities sum to ${shownSum}`);
  assertNoProblems(problems);
});
