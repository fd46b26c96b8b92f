// Pause, Resume and Reset; the same link trained twice in the page gives the same weights;
// results that the link no longer describes are put away (with a note) as soon as a
// setting changes, and a run in progress stops.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  launch, openPage, gotoLab, messages, sent, labelLog, waitForDone, waitForProgress, setControl, inkPixels, assertNoProblems, HEX64,
} from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

const bar = (page) => page.$eval('#progress', (p) => p.value / p.max);
/** When the page last sent a message of `type` (page clock). */
const sentAt = async (page, type) => (await sent(page, type)).at(-1).at;
/** Progress envelopes the workers posted after `t` (page clock), of any run. */
const progressAfter = async (page, t) => (await messages(page, 'progress')).filter((m) => m.at > t);

test('pause stops progress, resume continues it, reset clears the run and stops the worker', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=cnn&seed=3&epochs=1&batch_size=32&train_size=6000');
  const blankInk = await inkPixels(page, '#chart-loss');

  await page.click('#run');
  await waitForProgress(page, { phase: 'train', count: 3 });
  // While training, the progress text gives the step, the epoch, the speed and the time left.
  await page.waitForFunction(() => /^[\d,]+ of 188 · epoch 1 of 1 · [\d,]+ images\/s · about \d+ (s|min \d+ s) left$/.test(document.getElementById('progress-text').textContent), null, { timeout: 20_000 });
  assert.equal(await page.textContent('#progress-label'), 'Training');
  assert.equal(await page.textContent('#pause'), 'Pause');

  await page.click('#pause');
  const pausedAt = await sentAt(page, 'pause');
  assert.equal(await page.textContent('#progress-label'), 'Paused');
  assert.equal(await page.textContent('#pause'), 'Resume');
  // Waiting shows that nothing happens while paused: at most the step in flight lands.
  await sleep(1500);
  const late = await progressAfter(page, pausedAt);
  assert.ok(late.length <= 1, `${late.length} steps landed after Pause: training went on while paused`);
  const pausedProgress = await bar(page);
  assert.ok(pausedProgress > 0 && pausedProgress < 1, `paused at ${pausedProgress}`);
  assert.equal(await page.textContent('#progress-label'), 'Paused');

  await page.click('#pause'); // now labelled Resume
  const resumedAt = await sentAt(page, 'resume');
  await page.waitForFunction((t) => window.__mlpad.messages.filter((m) => m.type === 'progress' && m.at > t).length >= 2, resumedAt, { timeout: 20_000 });
  assert.ok((await bar(page)) > pausedProgress, 'progress did not advance after resume');
  assert.equal(await page.textContent('#progress-label'), 'Training');
  assert.equal(await page.textContent('#pause'), 'Pause');
  assert.ok((await inkPixels(page, '#chart-loss')) > blankInk + 200, 'the loss chart shows nothing');

  await page.click('#reset');
  const resetAt = await sentAt(page, 'reset');
  // Reset hands the focus back to Run (Pause and Reset are disabled now).
  assert.equal(await page.evaluate(() => document.activeElement.id), 'run');
  // Waiting shows that the worker stopped: at most the step in flight lands.
  await sleep(1500);
  const afterReset = await progressAfter(page, resetAt);
  assert.ok(afterReset.length <= 1, 'training went on after reset');
  assert.equal(await bar(page), 0, 'reset did not clear the progress bar');
  assert.equal(await page.textContent('#progress-label'), 'Ready');
  assert.equal(await page.textContent('#progress-pct'), '');
  assert.equal(await page.textContent('#progress-text'), '');
  assert.equal(await page.isEnabled('#run'), true);
  assert.equal(await page.isDisabled('#pause'), true);
  assert.equal(await page.isDisabled('#reset'), true);
  assert.equal(await page.textContent('#weights-sha256'), '–');
  const ink = await inkPixels(page, '#chart-loss');
  assert.ok(ink <= blankInk * 1.1 + 50, `reset did not clear the chart (ink ${blankInk} -> ${ink})`);
  assert.equal((await messages(page, 'summary')).length, 0, 'the run never finished');
  assertNoProblems(problems);
  await page.context().close();
});

test('training the same link twice in the page gives the same weights', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=cnn&seed=5&epochs=2&batch_size=64&learning_rate=0.002&train_size=256');
  await page.click('#run');
  const [first] = await waitForDone(page);
  assert.match(first.summary.weights_sha256, HEX64);
  assert.equal((await page.textContent('#weights-sha256')).trim(), first.summary.weights_sha256);

  await page.click('#reset');
  assert.equal(await page.textContent('#weights-sha256'), '–', 'reset keeps the old hash');
  await page.click('#run');
  const [second] = await waitForDone(page);
  assert.notEqual(second.run, first.run);
  assert.deepEqual(second.summary, first.summary, 'a second run of the same link gave another summary');
  // The data was loaded once: the second run starts without downloading.
  assert.equal((await messages(page, 'progress')).filter((m) => m.run === second.run && m.progress.phase === 'load_data').length, 0);

  // A fresh page (new worker, new wasm instance) agrees too.
  await page.reload();
  await page.waitForFunction(() => document.querySelector('[name="seed"]') && window.__mlpad.messages.some((m) => m.type === 'parsed'));
  await page.click('#run');
  const [third] = await waitForDone(page);
  assert.deepEqual(third.summary, first.summary, 'a fresh page gave another summary');
  assertNoProblems(problems);
  await page.context().close();
});

test('a changed setting puts finished results away with a note, and stops a run in progress', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=cnn&seed=2&epochs=1&batch_size=64&train_size=256');
  await page.click('#run');
  const [done] = await waitForDone(page);
  assert.equal(await page.textContent('#progress-label'), 'Finished');
  assert.equal(await page.$$eval('#gallery canvas', (cs) => cs.length), 24);

  // A value that means the same: the canonical link does not change, the results stay.
  const same = await setControl(page, 'learning_rate', '0.0010');
  assert.equal(`#${same.canonical}`, done.summary.link);
  assert.equal(await page.inputValue('[name="learning_rate"]'), '0.001', 'the control shows the canonical value');
  assert.equal((await page.textContent('#weights-sha256')).trim(), done.summary.weights_sha256);
  assert.equal(await page.textContent('#progress-label'), 'Finished');
  assert.equal(await page.textContent('#status'), '');

  // Another value: the results belong to another link and are put away.
  await setControl(page, 'epochs', '2');
  assert.match(await page.evaluate(() => location.hash), /[#&]epochs=2(&|$)/);
  assert.equal(await page.textContent('#status'), 'The settings changed, so the results of the previous run were put away. Press Train to run these settings.');
  assert.equal(await page.textContent('#progress-label'), 'Ready');
  assert.equal(await page.textContent('#weights-sha256'), '–');
  assert.equal(await page.textContent('#test-accuracy'), '–');
  assert.equal(await page.$$eval('#gallery canvas', (cs) => cs.length), 0);
  assert.equal(await bar(page), 0);
  assert.equal(await page.isDisabled('#reset'), true);

  // Back to the first value: the results were put away, not hidden.
  await setControl(page, 'epochs', '1');
  assert.equal(await page.textContent('#weights-sha256'), '–');
  assert.match(await page.textContent('#status'), /^The settings changed/);
  // Train: the note goes, the same run comes back.
  await page.click('#run');
  assert.equal(await page.textContent('#status'), '', 'the note stays while a new run goes');
  const [again] = await waitForDone(page);
  assert.deepEqual(again.summary, done.summary);
  assert.equal(await page.textContent('#status'), '');
  assert.equal(await page.textContent('#progress-label'), 'Finished');

  // A change while training stops the run in the worker, with the same note.
  await setControl(page, 'train_size', '6000');
  await page.click('#run');
  await waitForProgress(page, { phase: 'train', count: 2 });
  await setControl(page, 'seed', '3');
  const changedAt = await sentAt(page, 'reset');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('The settings changed'));
  // Waiting shows that the worker stopped: at most the step in flight lands.
  await sleep(1500);
  const late = await progressAfter(page, changedAt);
  assert.ok(late.length <= 1, 'the run went on after its settings changed');
  assert.equal(await page.textContent('#progress-label'), 'Ready');
  assert.equal(await page.isEnabled('#run'), true);
  assert.deepEqual((await labelLog(page)).slice(-4), ['Finished', 'Ready', 'Training', 'Ready']);
  assert.equal((await messages(page, 'summary')).length, 2);
  assertNoProblems(problems);
  await page.context().close();
});
