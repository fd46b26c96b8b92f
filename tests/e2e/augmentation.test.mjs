// The augmentation lab in the page: the preview grid is drawn and redrawn on demand,
// and the with/without runs report accuracy on the rotated-and-shifted test set, where
// augmentation helps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, gotoLab, assertNoProblems, inkPixels } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

test('augmentation lab: preview, two runs side by side, robustness shown', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=augmentation&epochs=3&train_size=600');
  assert.equal(await page.locator('[name="augment"]').count(), 0, 'the page runs both settings itself');
  await page.waitForFunction(() => document.getElementById('preview').width > 100, null, { timeout: 30_000 });
  const pixels = () => page.$eval('#preview', (c) => c.toDataURL());
  const first = await pixels();
  await page.click('#preview-again');
  await page.waitForFunction((before) => document.getElementById('preview').toDataURL() !== before, first, { timeout: 10_000 });

  await page.click('#train');
  await page.waitForFunction(() => document.querySelectorAll('.compare-card.finished').length === 2, null, { timeout: 100_000 });
  const facts = await page.$$eval('.compare-card', (cards) => cards.map((c) => [c.dataset.variant, c.querySelector('.compare-facts').textContent]));
  assert.deepEqual(facts.map(([v]) => v), ['off', 'on']);
  const shifted = (v) => Number(/shifted test ([\d.]+)%/.exec(facts.find(([x]) => x === v)[1])[1]);
  assert.ok(shifted('on') > shifted('off'), `rotated & shifted test: on ${shifted('on')}%, off ${shifted('off')}%`);
  assert.ok((await inkPixels(page, '.compare-card[data-variant="on"] canvas.chart')) > 100);
  assertNoProblems(problems);
});
