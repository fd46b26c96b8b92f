// The regularization lab in the page: four penalties run side by side on two workers,
// each card draws its accuracy chart, losses and weight histogram, L1 leaves far more
// weights at zero than no penalty does, the page's words agree that all four finished,
// and every run equals the CLI's run of its link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, gotoLab, messages, sent, waitForProgress, waitForDone, assertNoProblems, assertSameSummary, cliSummary, inkPixels,
} from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

test('four variants train side by side; L1 is sparse; all four finished and equal the CLI', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const parsed = await gotoLab(page, '#lab=regularization&epochs=4&train_size=500');
  assert.equal(await page.locator('[name="variant"]').count(), 0, 'the page runs every variant itself');
  assert.equal(await page.isHidden('#card-compare'), false);
  assert.equal(await page.locator('#card-draw').count(), 0, 'nothing to draw on');
  const variants = ['none', 'l1', 'l2', 'l1_l2'];
  assert.deepEqual(parsed.variants.map((l) => /variant=(\w+)/.exec(l)[1]), variants);
  assert.deepEqual(await page.$$eval('.compare-card', (cs) => cs.map((c) => c.dataset.variant)), variants);
  assert.ok((await page.$$eval('.compare-facts', (ps) => ps.map((p) => p.textContent))).every((t) => t === 'waiting for its first epoch…'));

  await page.click('#run');
  await waitForProgress(page, { phase: 'train' });
  // While the runs go, the status counts them.
  assert.match(await page.textContent('#progress-text'), /^[0-3] of 4 runs finished/);
  const done = await waitForDone(page, { jobs: 4, timeout: 100_000 });
  // One job per variant, on both workers, each once.
  const starts = (await sent(page, 'start')).filter((m) => m.run === done[0].run);
  assert.deepEqual(starts.map((m) => m.job).sort(), [0, 1, 2, 3]);
  assert.deepEqual([...new Set(starts.map((m) => m.worker))].sort(), [0, 1], 'two workers');
  assert.deepEqual(starts.sort((a, b) => a.job - b.job).map((m) => m.link.slice(1)), parsed.variants);

  // What the page says agrees: every card finished, the label, the count of runs.
  assert.deepEqual(await page.$$eval('.compare-card', (cs) => cs.map((c) => c.classList.contains('finished'))), [true, true, true, true]);
  assert.equal(await page.textContent('#progress-label'), 'Finished');
  assert.match(await page.textContent('#progress-text'), /^4 of 4 runs finished · [\d,]+ images\/s$/);
  assert.equal(await page.textContent('#progress-pct'), '100%');
  assert.equal(await page.$eval('#progress', (p) => p.value), 1);

  const facts = await page.$$eval('.compare-card', (cards) =>
    cards.map((c) => ({ variant: c.dataset.variant, text: c.querySelector('.compare-facts').textContent })));
  const zero = (v) => Number(/(\d+)% of weights/.exec(facts.find((f) => f.variant === v).text)[1]);
  assert.ok(zero('l1') > zero('none') + 15, `sparsity none ${zero('none')}%, L1 ${zero('l1')}%`);
  for (const m of done) {
    const v = variants[m.job];
    assert.equal(m.summary.status, 'finished');
    assert.equal(zero(v), Number((m.summary.metrics.near_zero * 100).toFixed(0)), `${v}: the card shows its own run`);
    assert.match(facts[m.job].text, new RegExp(`test ${(m.summary.metrics.test_accuracy * 100).toFixed(1)}%`));
    assertSameSummary(m.summary, cliSummary(m.summary.link), v);
    // Each epoch's record reached the page.
    const epochs = (await messages(page, 'progress')).filter((p) => p.run === m.run && p.job === m.job && p.progress.payload?.epoch_end);
    assert.deepEqual(epochs.map((p) => p.progress.payload.epoch_end.epoch), [1, 2, 3, 4], v);
  }
  for (const sel of ['.compare-card[data-variant="l1"] canvas.hist', '.compare-card[data-variant="none"] canvas.chart', '.compare-card[data-variant="l2"] canvas.loss']) {
    assert.ok((await inkPixels(page, sel)) > 100, `${sel} is drawn`);
  }
  assertNoProblems(problems);
});
