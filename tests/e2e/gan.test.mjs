// The GAN lab in the page: a short run from a link downloads MNIST and the pretrained
// classifier, draws the samples grid and strip, fills the timeline, which the slider
// scrubs back through, shows the quality figure, and ends with the CLI's summary (both
// networks' weights, losses, quality). The snippet panel shows each mistake beside its fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, gotoLab, assertNoProblems, inkPixels, messages, labelLog, waitForDone, assertSameSummary, cliSummary } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

const LINK = '#lab=gan&seed=5&steps=600&batch_size=16&hidden=64';

test('gan lab: grid, timeline, quality and the CLI’s summary', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, LINK);
  assert.equal(await page.textContent('#run'), 'Train');
  assert.equal(await page.isDisabled('#gan-timeline'), true, 'nothing to scrub before a run');
  assert.match(await page.textContent('#gan-quality'), /every 2,000 steps/);
  await page.click('#run');
  const [done] = await waitForDone(page);
  const s = done.summary;
  assert.equal(s.status, 'finished');
  assert.deepEqual(await labelLog(page), ['Ready', 'Downloading MNIST', 'Checking the data…', 'Downloading CNN trained on MNIST (all ten digits)', 'Training', 'Finished']);

  // The page's summary is the CLI's: both networks, losses and the quality figure.
  const link = await page.evaluate(() => location.hash);
  assert.equal(link, s.link);
  const cli = cliSummary(link);
  assertSameSummary(s, cli);
  assert.equal(cli.report.qualities.length, 2, 'figures at step 500 and at the end');
  assert.equal(Number(await page.getAttribute('#gan-quality', 'data-value')), cli.report.quality.confident);
  assert.equal(await page.$$eval('#gan-classes li', (li) => li.map((x) => Number(x.dataset.count)).join(',')), cli.report.quality.counts.join(','));

  // Grid and strip drawn; the timeline holds steps 0, 100, 250, 500 and 600.
  assert.ok((await inkPixels(page, '#gan-grid')) > 5000, 'the samples grid is drawn');
  assert.ok((await inkPixels(page, '#gan-strip')) > 500, 'the strip is drawn');
  const grids = (await messages(page, 'progress')).filter((m) => m.run === done.run && m.progress.payload?.grid?.timeline).map((m) => m.progress.payload.grid.step);
  assert.deepEqual(grids, [0, 100, 250, 500, 600]);
  assert.equal(await page.getAttribute('#gan-timeline', 'max'), '4');
  assert.match(await page.textContent('#gan-grid-step'), /step 600/);
  const latest = await page.$eval('#gan-grid', (c) => c.toDataURL());

  // Scrub back to the start: the untrained generator's noise, and Live returns.
  await page.focus('#gan-timeline');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => /step 0$/.test(document.getElementById('gan-grid-step').textContent));
  assert.notEqual(await page.$eval('#gan-grid', (c) => c.toDataURL()), latest, 'an older grid is shown');
  assert.equal(await page.isEnabled('#gan-live'), true);
  await page.click('#gan-live');
  await page.waitForFunction(() => /step 600/.test(document.getElementById('gan-grid-step').textContent));
  assert.equal(await page.$eval('#gan-grid', (c) => c.toDataURL()), latest, 'live shows the latest grid again');

  // Charts and the snippet panel.
  assert.ok((await inkPixels(page, '#chart-gan-loss')) > 300, 'loss chart drawn');
  assert.ok((await inkPixels(page, '#chart-gan-d')) > 300, 'D(x) chart drawn');
  assert.equal(await page.$$eval('#card-snippet .code-pair', (p) => p.length), 4);
  assertNoProblems(problems);
});

test('gan lab: the snippet preset runs, its generator draws noise, in Chinese too', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=gan', '?lang=zh');
  await page.click('[data-preset="snippet"]');
  await page.waitForFunction(() => document.querySelector('[name="train_generator"]').value === 'off');
  assert.equal(await page.inputValue('[name="freeze_discriminator"]'), 'off');
  assert.equal(await page.inputValue('[name="steps"]'), '100');
  assert.match(await page.textContent('#card-snippet h2'), /示例代码/);
  await page.click('#run');
  const [done] = await waitForDone(page);
  assert.equal(done.summary.metrics.confident, 0, 'noise is no digit');
  assert.match(await page.textContent('#gan-quality'), /0\.0%/);
  assertNoProblems(problems);
});
