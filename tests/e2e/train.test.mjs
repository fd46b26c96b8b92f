// A short CNN run in the page: controls follow the link, data then training progress
// advance, charts, gallery and filters are drawn, and the summary (weights, metrics,
// report) equals the native CLI's bit for bit. Then a digit drawn on the pad gets 10
// probabilities.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, gotoLab, controlValue, messages, progressLog, labelLog, waitForDone, inkPixels,
  drawStroke, assertNoProblems, assertSameSummary, cliSummary, HEX64,
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
  assert.equal(await page.textContent('#run'), 'Train');
  assert.equal(await page.isDisabled('#pause'), true, 'nothing to pause yet');
  const inkBefore = await inkPixels(page, '#chart-loss');

  await page.click('#run');
  // The focus stays on an enabled button next to Run, never falls to <body>.
  const focus = await page.evaluate(() => ({
    id: document.activeElement?.id, inButtons: document.getElementById('run-buttons').contains(document.activeElement),
    disabled: document.activeElement?.disabled,
  }));
  assert.ok(focus.inButtons && !focus.disabled, `after Run the focus is on ${JSON.stringify(focus)}`);
  const [done] = await waitForDone(page);
  const summary = done.summary;
  assert.equal(summary.status, 'finished');
  assert.match(summary.weights_sha256, HEX64);

  const all = (await messages(page)).filter((m) => m.run === done.run);
  // Data progress: several reports of the bytes, never going back, ending at the total,
  // then the check of the data.
  const data = all.filter((m) => m.type === 'progress' && m.progress.phase === 'load_data').map((m) => m.progress);
  assert.ok(data.length >= 3, `load_data messages: ${data.length}`);
  assert.ok(data.every((p) => p.payload.name === 'MNIST' && p.total === data[0].total && p.total > 1e6), 'one dataset, one total');
  for (let i = 1; i < data.length; i++) assert.ok(data[i].step >= data[i - 1].step, 'data progress went back');
  assert.equal(data.at(-1).step, data.at(-1).total);
  assert.equal(data.at(-1).payload.decoding, true, 'the data is checked last');
  assert.equal(data.filter((p) => p.payload.decoding).length, 1);

  // The run starts after the data, then training envelopes advance to the end.
  const started = all.findIndex((m) => m.type === 'started');
  assert.ok(started > all.findLastIndex((m) => m.type === 'progress' && m.progress.phase === 'load_data'), 'started before the data was loaded');
  assert.equal(all[started].info.param_count, summary.param_count);
  assert.equal(all[started].info.classes, 10);
  const steps = all.slice(started).filter((m) => m.type === 'progress').map((m) => m.progress);
  assert.ok(steps.every((p) => p.phase === 'train'), `phases: ${[...new Set(steps.map((p) => p.phase))]}`);
  assert.ok(steps.length >= 2, `training envelopes: ${steps.length}`);
  let before = 0;
  for (const p of steps) {
    assert.ok(p.step > before, 'step did not advance');
    assert.equal(p.payload.losses, p.step - before, 'one loss per batch of the step');
    assert.equal(p.total, 16);
    assert.equal(p.samples, p.step * 32);
    assert.equal(p.fraction, p.step / p.total);
    assert.equal(p.done, p === steps.at(-1), 'only the last envelope is done');
    before = p.step;
  }
  const final = steps.at(-1);
  assert.equal(final.step, final.total);
  assert.equal(final.stopped, null);
  assert.deepEqual(final.payload.epoch_end, summary.report.epochs[0]);
  assert.equal(final.payload.gallery, 24);
  assert.ok(final.pictures.includes('filters') && final.pictures.includes('test/0'), `pictures: ${final.pictures.slice(0, 5)}`);
  assert.ok(all.slice(all.findIndex((m) => m.type === 'summary') + 1).every((m) => m.type !== 'progress'), 'progress after the summary');

  // The progress bar moved through several values up to full; the label said each phase.
  const bar = (await progressLog(page)).map((p) => p.value / p.max);
  assert.ok(new Set(bar.map((f) => f.toFixed(3))).size >= 3, `progress values: ${bar.join(', ')}`);
  for (let i = 1; i < bar.length; i++) assert.ok(bar[i] >= bar[i - 1], `the bar went back: ${bar.join(', ')}`);
  assert.equal(bar.at(-1), 1);
  const labels = await labelLog(page);
  assert.deepEqual(labels, ['Ready', 'Downloading MNIST', 'Checking the data…', 'Training', 'Finished']);
  assert.equal(await page.textContent('#progress-pct'), '100%');
  const text = await page.textContent('#progress-text');
  assert.match(text, /^16 of 16 · epoch 1 of 1 · [\d,]+ images\/s$/);
  assert.equal(await page.isEnabled('#run'), true);
  assert.equal(await page.isDisabled('#pause'), true, 'nothing to pause after the end');

  // Charts, gallery and filters are drawn.
  const inkAfter = await inkPixels(page, '#chart-loss');
  assert.ok(inkAfter > inkBefore + 200, `loss chart ink ${inkBefore} -> ${inkAfter}`);
  assert.ok((await inkPixels(page, '#chart-acc')) > 200, 'accuracy chart is blank');
  assert.equal(await page.$$eval('#gallery canvas', (cs) => cs.length), 24, 'gallery images');
  assert.equal(await page.isHidden('#card-filters'), false);
  assert.ok((await inkPixels(page, '#filters')) > 100, 'filters are not drawn');
  assert.equal(await page.locator('#card-grads').count(), 0, 'the CNN lab has no gradient card');

  // The native CLI run of the same link gives the same summary, and the page shows it.
  const cli = cliSummary(LINK);
  assertSameSummary(summary, cli);
  assert.equal((await page.textContent('#weights-sha256')).trim(), cli.weights_sha256);
  assert.equal(await page.textContent('#param-count'), cli.param_count.toLocaleString('en'));
  const shown = await page.$eval('#test-accuracy', (el) => ({ text: el.textContent, value: el.dataset.value }));
  assert.equal(Number(shown.value), cli.metrics.test_accuracy);
  assert.equal(shown.text, `${(cli.metrics.test_accuracy * 100).toFixed(2)}%`);
  assertNoProblems(problems);
});

test('a digit drawn on the pad gets 10 probabilities summing to 1', { timeout: 60_000 }, async () => {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  // A vertical stroke: a "1".
  await drawStroke(page, '#pad', [[0.5, 0.2], [0.5, 0.5], [0.5, 0.8]]);
  // Every image the pad sent (while drawing and at the end of the stroke) is answered.
  await page.waitForFunction(() => {
    const asked = window.__mlpad.sent.filter((m) => m.type === 'predict').length;
    return asked > 0 && window.__mlpad.messages.filter((m) => m.type === 'prediction').length === asked;
  }, null, { timeout: 10_000 });
  const last = (await messages(page, 'prediction')).at(-1).probs;
  assert.equal(last.length, 10);
  const sum = last.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
  // The page shows all ten of the latest answer, the most probable one marked.
  const shown = await page.$$eval('#probs > li', (items) => items.map((li) => ({ p: Number(li.dataset.prob), best: li.classList.contains('best') })));
  assert.deepEqual(shown.map((s) => s.p), last, 'the page shows the latest prediction');
  const best = last.indexOf(Math.max(...last));
  assert.deepEqual(shown.map((s, i) => [i, s.best]).filter(([, b]) => b).map(([i]) => i), [best]);
  // Clear empties the list again.
  await page.click('#clear-pad');
  assert.equal(await page.locator('#probs > li[data-prob]').count(), 0);
  assertNoProblems(problems);
});
