// The second bundled data set: Fashion-MNIST loads lazily (only when a run needs it),
// trains, shows its class names, and matches the native CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, launch, openPage, gotoLab, controlValue, messages, sent, waitForDone, assertNoProblems, assertSameSummary, cliSummary } from './helpers.mjs';

const LINK = '#lab=cnn&seed=4&dataset=fashion_mnist&epochs=1&batch_size=64&learning_rate=0.001&train_size=256';
let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

test('Fashion-MNIST trains in the page with the same summary as the native CLI', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const data = [];
  page.on('request', (r) => { if (/\/www\/data\/.*\.gz$/.test(r.url())) data.push(r.url().split('/').pop()); });
  await gotoLab(page, LINK);
  assert.equal(await controlValue(page, 'dataset'), 'fashion_mnist');
  assert.deepEqual(data, [], 'data was fetched before Train');
  await page.click('#run');
  const [done] = await waitForDone(page);
  // Only Fashion-MNIST's four files were fetched, once each.
  assert.equal(data.length, 4, `fetched: ${data}`);
  assert.ok(data.every((f) => f.startsWith('fashion')), `fetched: ${data}`);
  const loading = (await messages(page, 'progress')).filter((m) => m.run === done.run && m.progress.phase === 'load_data').map((m) => m.progress);
  assert.ok(loading.length >= 2, `load_data messages: ${loading.length}`);
  assert.ok(loading.every((p) => p.payload.name === 'Fashion-MNIST'), `names: ${[...new Set(loading.map((p) => p.payload.name))]}`);
  assert.equal(loading.at(-1).step, loading.at(-1).total);
  assert.equal((await sent(page, 'start')).at(-1).link, done.summary.link);

  // The gallery names the guesses with the data set's class names ("Trouser", not 1).
  const classes = JSON.parse(fs.readFileSync(path.join(ROOT, 'www/data/manifest.json'), 'utf8')).datasets.fashion_mnist.classes;
  const guesses = await page.$$eval('#gallery figcaption b', (bs) => bs.map((b) => b.textContent));
  assert.equal(guesses.length, 24);
  assert.ok(guesses.every((g) => classes.includes(g)), `guesses: ${guesses}`);
  assert.ok(new Set(guesses).size >= 2, `guesses: ${guesses}`);
  assertSameSummary(done.summary, cliSummary(LINK));
  assert.equal((await page.textContent('#weights-sha256')).trim(), done.summary.weights_sha256);
  assertNoProblems(problems);
  await page.context().close();
});
