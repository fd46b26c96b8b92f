// The second bundled data set: Fashion-MNIST loads lazily, trains, and matches the native CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, openPage, gotoLab, controlValue, messages, waitForDone, assertNoProblems, CLI } from './helpers.mjs';

const LINK = '#lab=cnn&seed=4&dataset=fashion_mnist&epochs=1&batch_size=64&learning_rate=0.001&train_size=256';
let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

test('Fashion-MNIST trains in the page with the same weights as the native CLI', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, LINK);
  assert.equal(await controlValue(page, 'dataset'), 'fashion_mnist');
  await page.click('#train');
  const sha = await waitForDone(page);
  const data = await messages(page, 'data-progress');
  assert.ok(data.length > 0 && data.at(-1).loaded === data.at(-1).total, 'no complete data progress');
  const gallery = await page.textContent('#gallery');
  assert.ok(/[A-Za-z]{3,}/.test(gallery), `the gallery shows no class names: ${gallery.slice(0, 200)}`);
  const summary = JSON.parse(execFileSync(CLI, ['run', LINK], { encoding: 'utf8' }).trim().split('\n').at(-1));
  assert.equal(summary.weights_sha256, sha);
  assertNoProblems(problems);
  await page.context().close();
});
