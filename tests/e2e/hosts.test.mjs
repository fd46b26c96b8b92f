// Static hosts differ: some send the bundled .gz data with `Content-Encoding: gzip`, so the
// browser inflates it before the worker sees it; and a page may live under any path. The page
// must train the same either way. And when a data file is missing, the run stops with the
// error named, and runs once the file is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, openPage, waitForLab, messages, progressLog, waitForDone, assertNoProblems, staticHost, ROOT, BASE } from './helpers.mjs';

const PREFIX = '/blog/2026/mlpad/';
const HASH = '#lab=cnn&seed=8&epochs=1&batch_size=64&learning_rate=0.001&train_size=256';
let browser, host, base;
let missing = null; // a file the server answers 404 for, before it sends the other data files
let missingSent = null; // resolves once that 404 is out

before(async () => {
  browser = await launch();
  host = await staticHost(PREFIX, {
    async intercept(file, res) {
      if (missing && path.basename(file) === missing) {
        res.writeHead(404).end(() => missingSent.resolve());
        return true;
      }
      // The other data files come after the 404, so their downloads go on after the error.
      if (missing && file.endsWith('.gz')) await missingSent.promise;
      return false;
    },
    headersFor: (file) => (file.endsWith('.gz') ? { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip' } : {}),
  });
  base = host.base;
});
after(async () => {
  if (browser) await browser.close();
  if (host) await host.close();
});

test('a host under a sub-path that sends the data with Content-Encoding: gzip trains the same run', { timeout: 120_000 }, async () => {
  const summaries = [];
  for (const url of [base, BASE]) {
    const { page, problems } = await openPage(browser);
    await page.goto(url + HASH);
    await waitForLab(page);
    if (url === base) {
      // The condition under test holds: the browser hands over inflated bytes.
      const file = 'www/data/mnist-test-labels-idx1-ubyte.gz';
      const got = await page.evaluate(async (f) => (await (await fetch(f)).arrayBuffer()).byteLength, file);
      assert.ok(got > fs.statSync(path.join(ROOT, file)).size, `the browser did not inflate ${file} (${got} bytes)`);
    }
    await page.click('#run');
    const [done] = await waitForDone(page);
    assert.equal(done.summary.status, 'finished', url);
    summaries.push(done.summary);
    // The download's progress stays within its total (it counts the bytes the worker
    // gets, inflated or not, against the manifest's sizes) and the bar within 0..1.
    const loading = (await messages(page, 'progress')).filter((m) => m.progress.phase === 'load_data').map((m) => m.progress);
    assert.ok(loading.length >= 2, `load_data messages at ${url}: ${loading.length}`);
    for (const p of loading) assert.ok(p.step <= p.total && p.fraction <= 1, `data progress ${p.step} of ${p.total} at ${url}`);
    assert.ok((await progressLog(page)).every((p) => p.value >= 0 && p.value <= p.max), `progress bar out of range at ${url}`);
    assertNoProblems(problems);
    await page.context().close();
  }
  assert.deepEqual(summaries[0], summaries[1], 'inflated and gzip data gave other results');
});

test('a missing data file stops the run with the error named; the next run works once it is back', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const file = 'mnist-train-labels-idx1-ubyte.gz';
  missing = file;
  missingSent = {};
  missingSent.promise = new Promise((resolve) => { missingSent.resolve = resolve; });
  try {
    await page.goto(base + HASH);
    await waitForLab(page);
    await page.click('#run');
    await page.waitForFunction(() => window.__mlpad.messages.some((m) => m.type === 'error'), null, { timeout: 30_000 });
    const [error] = await messages(page, 'error');
    assert.equal(error.message, `${file}: HTTP 404`);
    assert.equal(error.run, (await page.evaluate(() => window.__mlpad.sent.find((m) => m.type === 'start').run)));
    assert.equal(await page.isVisible('#alert'), true);
    assert.equal(await page.textContent('#alert-body'), `Something went wrong: ${file}: HTTP 404`);
    assert.equal(await page.textContent('#progress-label'), 'Stopped by an error');
    // The run's other files may still be in flight: nothing that arrives after the error
    // may relabel the page (a short wait, to show that nothing happens).
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await page.textContent('#progress-label'), 'Stopped by an error');
    assert.equal(await page.isEnabled('#run'), true, 'Run again is possible');
    assert.equal(await page.isDisabled('#pause'), true);
    assert.equal((await messages(page, 'summary')).length, 0);
  } finally {
    missing = null;
  }
  await page.click('#run');
  const [done] = await waitForDone(page);
  assert.equal(done.summary.status, 'finished');
  assert.equal(await page.textContent('#progress-label'), 'Finished');
  // The browser may log the 404 itself; nothing else may go wrong.
  assertNoProblems(problems.filter((p) => !/Failed to load resource: the server responded with a status of 404/.test(p)));
  await page.context().close();
});
