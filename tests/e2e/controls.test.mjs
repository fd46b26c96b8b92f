// Pause, Resume and Reset; and the same link trained twice in the page gives the same weights.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, openPage, gotoLab, messages, waitForDone, inkPixels, assertNoProblems, HEX64 } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

const progress = (page) => page.$eval('#progress', (p) => p.value / p.max);
const lastStep = async (page) => ((await messages(page, 'snapshot')).at(-1)?.snapshot.step ?? 0);

test('pause stops progress, resume continues it, reset clears the run', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=cnn&seed=3&epochs=1&batch_size=32&train_size=6000');
  const blankInk = await inkPixels(page, '#chart-loss');

  await page.click('#train');
  await page.waitForFunction(() => window.__mlpad.messages.filter((m) => m.type === 'snapshot').length >= 3, null, { timeout: 60_000 });
  // While training, the progress text gives the speed and the time left.
  await page.waitForFunction(() => /images\/s/.test(document.body.textContent) && /\bleft\b/.test(document.body.textContent), null, { timeout: 10_000 });
  await page.click('#pause');
  await sleep(600); // a chunk in flight may still land
  const pausedStep = await lastStep(page);
  const pausedProgress = await progress(page);
  await sleep(1500);
  assert.equal(await lastStep(page), pausedStep, 'training went on while paused');
  assert.equal(await progress(page), pausedProgress, 'the progress bar moved while paused');
  assert.ok(pausedProgress > 0 && pausedProgress < 1, `paused at ${pausedProgress}`);

  await page.click('#pause'); // now labelled Resume
  await page.waitForFunction((s) => (window.__mlpad.messages.filter((m) => m.type === 'snapshot').at(-1)?.snapshot.step ?? 0) > s, pausedStep, {
    timeout: 20_000,
  });
  assert.ok((await progress(page)) > pausedProgress, 'progress did not advance after resume');
  assert.ok((await inkPixels(page, '#chart-loss')) > blankInk + 200, 'the loss chart shows nothing');

  await page.click('#reset');
  await sleep(800);
  const afterReset = await lastStep(page);
  await sleep(1000);
  assert.equal(await lastStep(page), afterReset, 'training went on after reset');
  assert.equal(await progress(page), 0, 'reset did not clear the progress bar');
  const ink = await inkPixels(page, '#chart-loss');
  assert.ok(ink <= blankInk * 1.1 + 50, `reset did not clear the chart (ink ${blankInk} -> ${ink})`);
  assertNoProblems(problems);
  await page.context().close();
});

test('training the same link twice in the page gives the same weights', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=cnn&seed=5&epochs=2&batch_size=64&learning_rate=0.002&train_size=256');
  await page.click('#train');
  const first = await waitForDone(page);
  assert.match(first, HEX64);

  await page.click('#reset');
  await page.waitForFunction(() => !/^[0-9a-f]{64}$/.test((document.getElementById('weights-sha256')?.textContent || '').trim()), null, {
    timeout: 5_000,
  });
  await page.click('#train');
  const second = await waitForDone(page);
  assert.equal(second, first, 'a second run of the same link gave other weights');

  // A fresh page (new worker, new wasm instance) agrees too.
  await page.reload();
  await page.waitForSelector('[name="seed"]');
  await page.click('#train');
  assert.equal(await waitForDone(page), first, 'a fresh page gave other weights');
  assertNoProblems(problems);
  await page.context().close();
});
