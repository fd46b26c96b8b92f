// The regularization lab in the page: four penalties run side by side, each card draws
// its accuracy chart and weight histogram, and L1 leaves far more weights at zero than no
// penalty does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, gotoLab, assertNoProblems, inkPixels } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

test('four variants train side by side; L1 is sparse', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=regularization&epochs=4&train_size=500');
  assert.equal(await page.locator('[name="variant"]').count(), 0, 'the page runs every variant itself');
  assert.equal(await page.isHidden('#card-compare'), false);
  assert.equal(await page.isHidden('#card-draw'), true);
  await page.click('#train');
  await page.waitForFunction(() => document.querySelectorAll('.compare-card.finished').length === 4, null, { timeout: 100_000 });
  const facts = await page.$$eval('.compare-card', (cards) =>
    cards.map((c) => ({ variant: c.dataset.variant, text: c.querySelector('.compare-facts').textContent })));
  assert.deepEqual(facts.map((f) => f.variant), ['none', 'l1', 'l2', 'l1_l2']);
  const zero = (v) => Number(/(\d+)% of weights/.exec(facts.find((f) => f.variant === v).text)[1]);
  assert.ok(zero('l1') > zero('none') + 15, `sparsity none ${zero('none')}%, L1 ${zero('l1')}%`);
  for (const sel of ['.compare-card[data-variant="l1"] canvas.hist', '.compare-card[data-variant="none"] canvas.chart', '.compare-card[data-variant="l2"] canvas.loss']) {
    assert.ok((await inkPixels(page, sel)) > 100, `${sel} is drawn`);
  }
  assert.match(await page.textContent('#progress-label'), /Finished/);
  assertNoProblems(problems);
});
