// The gradients lab in the page: presets set the controls, the per-layer gradient chart
// is drawn, a vanishing run shows first-layer gradients orders of magnitude below the
// output layer's, an exploding run stops with the step and layer named and the page
// stays usable, and the page's weights match the native CLI's for the same link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, openPage, gotoLab, controlValue, messages, assertNoProblems, waitForDone, inkPixels, CLI } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

const SHORT = '#lab=gradients&epochs=1&train_size=640&batch_size=64';

test('vanishing preset: per-layer gradient chart drawn, first layers starved, CLI agrees', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, SHORT);
  await page.click('[data-preset="vanishing"]');
  await page.waitForFunction(() => document.querySelector('[name="activation"]').value === 'sigmoid');
  assert.equal(await controlValue(page, 'kernel_initializer'), 'random_normal');
  assert.equal(await controlValue(page, 'epochs'), '1', 'a preset keeps the settings it does not name');
  assert.match(await page.evaluate(() => location.hash), /activation=sigmoid/);
  assert.ok((await page.textContent('#preset-help')).length > 20, 'the preset explains itself');

  await page.click('#train');
  const sha = await waitForDone(page);
  assert.equal(await page.isHidden('#card-grads'), false);
  assert.ok((await inkPixels(page, '#chart-grads')) > 500, 'the gradient chart is drawn');
  const norms = (await messages(page, 'snapshot')).flatMap((m) => m.snapshot.grad_norms || []);
  assert.ok(norms.length >= 10);
  assert.equal(norms[0].length, 11);
  assert.ok(norms[0][0] / norms[0][10] < 1e-4, `first/last layer gradient ratio ${norms[0][0] / norms[0][10]}`);
  assert.equal(await page.isHidden('#card-filters'), true, 'an MLP has no filters to show');

  const link = await page.evaluate(() => location.hash);
  const summary = JSON.parse(execFileSync(CLI, ['run', link], { encoding: 'utf8' }).trim().split('\n').at(-1));
  assert.equal(sha, summary.weights_sha256);
  assertNoProblems(problems);
});

test('exploding preset stops with step and layer named; reset and a fixed preset then train', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, SHORT);
  await page.click('[data-preset="exploding"]');
  await page.waitForFunction(() => document.querySelector('[name="init_stddev"]').value === '1');
  await page.click('#train');
  const alert = page.getByRole('alert').filter({ hasText: 'diverged' });
  await alert.waitFor({ timeout: 60_000 });
  const text = await alert.textContent();
  assert.match(text, /step \d+/);
  assert.match(text, /layer \d+/);
  const stopped = (await messages(page, 'snapshot')).at(-1).snapshot;
  assert.ok(stopped.done && stopped.diverged, 'the last snapshot reports the divergence');
  assert.equal(await page.isEnabled('#reset'), true, 'the page stays usable');

  await page.click('#reset');
  await page.click('[data-preset="exploding_fixed"]');
  await page.waitForFunction(() => document.querySelector('[name="clipnorm"]').value === '1');
  await page.click('#train');
  await waitForDone(page);
  const last = (await messages(page, 'snapshot')).at(-1).snapshot;
  assert.equal(last.diverged, null);
  assert.ok(Number.isFinite(last.test_loss), 'the fixed run stays finite');
  // Only this run's snapshots: those after the last 'started' message.
  const all = await messages(page);
  const since = all.findLastIndex((m) => m.type === 'started');
  const norms = all.slice(since).filter((m) => m.type === 'snapshot').flatMap((m) => m.snapshot.grad_norms || []);
  assert.ok(norms.length > 0 && norms.every((step) => step.every(Number.isFinite)));
  assertNoProblems(problems);
});
