// A worker whose wasm instance breaks (a Rust panic or out of memory traps it) is replaced:
// the page says what happened, keeps the settings and the finished runs, and the next Run
// trains on a fresh worker. Both ways a crash reaches the page are covered: the worker's
// own report of a trap, and an error nothing in the worker caught.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, gotoLab, waitForDone, waitForProgress, assertNoProblems } from './helpers.mjs';

const SHORT = '#lab=cnn&seed=2&epochs=1&batch_size=64&train_size=256';
const LONG = '#lab=cnn&seed=4&epochs=3&train_size=12000';
let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const crashes = {
  'a trap the worker reports': () => self.postMessage({ type: 'crash', message: 'RuntimeError: unreachable' }),
  'an error nothing caught': () => setTimeout(() => { throw new WebAssembly.RuntimeError('unreachable'); }),
};

for (const [how, crash] of Object.entries(crashes)) {
  test(`${how}: the worker is replaced, the settings and history stay, and Run works again`, { timeout: 180_000 }, async () => {
    const { page, problems, context } = await openPage(browser);
    await gotoLab(page, SHORT);
    await page.click('#run');
    await waitForDone(page);
    await gotoLab(page, LONG);
    await page.click('#run');
    await waitForProgress(page, { phase: 'train' });
    const before = page.workers().length;
    const worker = page.workers()[0];
    await worker.evaluate(crash);
    await page.waitForFunction(() => !document.getElementById('alert').hidden && /stopped unexpectedly/.test(document.getElementById('alert-body').textContent));
    assert.match(await page.textContent('#alert-body'), /unreachable/);
    assert.equal(await page.textContent('#progress-label'), 'Stopped by an error');
    assert.equal(await page.textContent('#status'), 'Stopped: the engine restarted.');
    assert.equal(await page.evaluate(() => location.hash), `#${(await page.evaluate(() => window.__mlpad.messages.filter((m) => m.type === 'parsed').at(-1).canonical))}`);
    assert.equal(await page.inputValue('[name="epochs"]'), '3', 'the settings stay');
    await page.click('#history-open');
    assert.equal(await page.locator('#history tbody tr').count(), 1, `the finished run stays in the history: ${JSON.stringify(await page.evaluate(() => JSON.parse(localStorage.getItem('mlpad.history.v1')).map((e) => [e.link, e.time, e.runs[0].weights_sha256])))}`);
    // A fresh worker took the old one's place and the next run trains to its end.
    await page.waitForFunction(() => !document.getElementById('run').disabled);
    assert.equal(page.workers().length, before);
    await page.fill('[name="train_size"]', '256');
    await page.press('[name="train_size"]', 'Tab');
    await page.waitForFunction(() => location.hash.includes('train_size=256'));
    await page.click('#run');
    const [done] = await waitForDone(page);
    assert.equal(done.summary.status, 'finished');
    assert.equal(await page.textContent('#progress-label'), 'Finished');
    // The page's own console shows nothing but the error of the worker that was replaced.
    assertNoProblems(problems.filter((p) => !/unreachable/.test(p)));
    await context.close();
  });
}
