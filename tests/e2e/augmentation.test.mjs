// The augmentation lab in the page: the preview grid is drawn, redrawn on demand and when
// a setting changes; the with/without runs go side by side on two workers, report accuracy
// on the rotated-and-shifted test set, where augmentation helps, and equal the CLI's runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, gotoLab, messages, sent, labelLog, waitForDone, assertNoProblems, setControl, assertSameSummary, cliSummary, inkPixels,
} from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

test('augmentation lab: preview, two runs side by side, robustness shown, CLI agrees', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const parsed = await gotoLab(page, '#lab=augmentation&epochs=3&train_size=600');
  assert.equal(await page.locator('[name="augment"]').count(), 0, 'the page runs both settings itself');
  assert.deepEqual(parsed.variants.map((l) => /augment=(\w+)/.exec(l)[1]), ['off', 'on']);
  assert.deepEqual(await page.$$eval('.compare-card', (cs) => cs.map((c) => c.dataset.variant)), ['off', 'on']);

  // The preview: drawn for the link, a new draw on demand, and redrawn when a setting changes.
  await page.waitForFunction(() => document.getElementById('preview').width > 100, null, { timeout: 30_000 });
  const preview = () => page.$eval('#preview', (c) => c.toDataURL());
  const first = await preview();
  await page.click('#preview-again');
  await page.waitForFunction((before) => document.getElementById('preview').toDataURL() !== before, first, { timeout: 10_000 });
  assert.deepEqual((await sent(page, 'preview')).map((m) => m.draw), [0, 1]);
  const second = await preview();
  await setControl(page, 'rotation_range', '40');
  await page.waitForFunction(() => window.__mlpad.messages.some((m) => m.type === 'preview' && /rotation_range=40/.test(m.link)), null, { timeout: 10_000 });
  await page.waitForFunction((before) => document.getElementById('preview').toDataURL() !== before, second, { timeout: 10_000 });
  const pictures = await messages(page, 'preview');
  assert.ok(pictures.every((m) => m.picture.width > 28 && m.picture.height > 28), 'a grid of images');

  await page.click('#run');
  const done = await waitForDone(page, { jobs: 2, timeout: 100_000 });
  assert.deepEqual(done.map((m) => m.summary.status), ['finished', 'finished']);
  assert.deepEqual(new Set(done.map((m) => m.worker)).size, 2, 'the two runs went to two workers');
  // What the page says agrees: both cards finished, the label, the count of runs.
  assert.deepEqual(await page.$$eval('.compare-card', (cs) => cs.map((c) => c.classList.contains('finished'))), [true, true]);
  assert.equal(await page.textContent('#progress-label'), 'Finished');
  assert.match(await page.textContent('#progress-text'), /^2 of 2 runs finished\b/);
  assert.equal(await page.textContent('#progress-pct'), '100%');
  assert.ok(!(await labelLog(page)).some((l) => l.startsWith('Stopped')));
  assert.equal(await page.isHidden('#facts'), true, 'no single run’s facts for two runs');

  const facts = await page.$$eval('.compare-card', (cards) => cards.map((c) => [c.dataset.variant, c.querySelector('.compare-facts').textContent]));
  const shifted = (v) => Number(/rotated & shifted test ([\d.]+)%/.exec(facts.find(([x]) => x === v)[1])[1]);
  assert.ok(shifted('on') > shifted('off'), `rotated & shifted test: on ${shifted('on')}%, off ${shifted('off')}%`);
  for (const m of done) {
    const v = /augment=(\w+)/.exec(m.summary.link)[1];
    assert.equal(shifted(v), Number((m.summary.metrics.shifted_accuracy * 100).toFixed(1)), `${v}: the card shows its run`);
    assertSameSummary(m.summary, cliSummary(m.summary.link), v);
  }
  assert.ok((await inkPixels(page, '.compare-card[data-variant="on"] canvas.chart')) > 100);
  assertNoProblems(problems);
});
