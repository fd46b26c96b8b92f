// The gradients lab in the page: presets set the controls, the per-layer gradient chart
// is drawn, a vanishing run shows first-layer gradients orders of magnitude below the
// output layer's, an exploding run stops with the step and layer named (and the page says
// "Stopped: diverged", never "Finished") and the page stays usable, and the page's
// summary and gradient norms equal the native CLI's for the same link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, gotoLab, controlValue, messages, labelLog, assertNoProblems, waitForDone, inkPixels,
  assertSameSummary, cliRun, jsonish,
} from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

const SHORT = '#lab=gradients&epochs=1&train_size=640&batch_size=64';
/** Every step's per-layer gradient norms of run `run`, in order. */
const gradNorms = async (page, run) => (await messages(page, 'progress'))
  .filter((m) => m.run === run && m.progress.phase === 'train')
  .flatMap((m) => m.progress.payload.grad_norms || []);

test('vanishing preset: per-layer gradient chart drawn, first layers starved, CLI agrees', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, SHORT);
  await page.click('[data-preset="vanishing"]');
  await page.waitForFunction(() => document.querySelector('[name="activation"]').value === 'sigmoid');
  assert.equal(await controlValue(page, 'kernel_initializer'), 'random_normal');
  assert.equal(await controlValue(page, 'epochs'), '1', 'a preset keeps the settings it does not name');
  assert.match(await page.evaluate(() => location.hash), /activation=sigmoid/);
  assert.equal(await page.getAttribute('[data-preset="vanishing"]', 'aria-pressed'), 'true');
  assert.ok((await page.textContent('#preset-help')).length > 20, 'the preset explains itself');
  assert.equal(await page.isHidden('#card-grads'), true, 'no gradients before a run');

  await page.click('#run');
  const [done] = await waitForDone(page);
  assert.equal(done.summary.status, 'finished');
  assert.equal(await page.isHidden('#card-grads'), false);
  assert.ok((await inkPixels(page, '#chart-grads')) > 500, 'the gradient chart is drawn');
  const norms = await gradNorms(page, done.run);
  assert.equal(norms.length, 10, 'one set of norms per step');
  assert.ok(norms.every((step) => step.length === 11), 'one norm per layer');
  assert.ok(norms[0][0] / norms[0][10] < 1e-4, `first/last layer gradient ratio ${norms[0][0] / norms[0][10]}`);
  assert.equal(await page.locator('#card-filters').count(), 0, 'an MLP has no filters to show');
  assert.equal((await labelLog(page)).at(-1), 'Finished');

  const link = await page.evaluate(() => location.hash);
  assert.equal(link, done.summary.link);
  const cli = cliRun(link);
  assert.equal(cli.status, 0);
  assertSameSummary(done.summary, cli.summary);
  const cliNorms = cli.lines.filter((l) => l.type === 'progress').flatMap((l) => l.payload.grad_norms || []);
  assert.deepEqual(jsonish(norms), jsonish(cliNorms), 'per-step gradient norms differ from the CLI');
  assertNoProblems(problems);
  await page.context().close();
});

test('exploding preset stops with step and layer named; reset and a fixed preset then train', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, SHORT);
  await page.click('[data-preset="exploding"]');
  await page.waitForFunction(() => document.querySelector('[name="init_stddev"]').value === '1');
  await page.click('#run');
  const [stopped] = await waitForDone(page);
  const s = stopped.summary;
  assert.equal(s.status, 'diverged');
  assert.equal(s.stopped.reason, 'diverged');
  assert.match(s.stopped.message, /step \d+/);
  assert.match(s.stopped.message, /layer \d+/);
  // The page says so everywhere, and never that the run finished.
  const alert = page.getByRole('alert');
  assert.equal(await alert.isVisible(), true);
  assert.ok((await alert.textContent()).includes(s.stopped.message), 'the alert gives the core’s message');
  assert.equal(await page.textContent('#progress-label'), 'Stopped: diverged');
  const labels = await labelLog(page);
  assert.ok(!labels.includes('Finished'), `labels: ${labels}`);
  assert.match(await page.textContent('#status'), /Training stopped: the numbers overflowed/);
  assert.equal(await page.textContent('#test-accuracy'), '–', 'no test accuracy for a diverged run');
  const last = (await messages(page, 'progress')).filter((m) => m.run === stopped.run).at(-1).progress;
  assert.ok(last.done && last.stopped.reason === 'diverged', 'the last envelope reports the divergence');
  assert.ok(last.fraction < 1, `fraction ${last.fraction}`);
  assert.equal(await page.isEnabled('#reset'), true, 'the page stays usable');
  assert.equal(await page.isDisabled('#pause'), true, 'nothing left to pause');
  // The CLI stops at the same step with the same message (exit status 1).
  const cli = cliRun(s.link);
  assert.equal(cli.status, 1);
  assertSameSummary(s, cli.summary);

  await page.click('#reset');
  assert.equal(await page.textContent('#progress-label'), 'Ready');
  assert.equal(await page.textContent('#status'), '');
  await page.click('[data-preset="exploding_fixed"]');
  await page.waitForFunction(() => document.querySelector('[name="clipnorm"]').value === '1');
  await page.click('#run');
  const [fixed] = await waitForDone(page);
  assert.equal(fixed.summary.status, 'finished');
  assert.ok(Number.isFinite(fixed.summary.metrics.test_loss), 'the fixed run stays finite');
  assert.equal(await page.textContent('#progress-label'), 'Finished');
  const norms = await gradNorms(page, fixed.run);
  assert.ok(norms.length === 10 && norms.every((step) => step.every(Number.isFinite)), 'finite gradients at every step');
  assertNoProblems(problems);
});
