// Export and import, and the history: a finished run's results (JSON), curves (CSV),
// pictures (PNG) and weights (safetensors) download; the weights load back into a fresh
// page with the same fingerprint and test accuracy; bad files are refused with a reason and
// change nothing; finished runs survive a reload in the History, two compare on one chart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, openPage, gotoLab, waitForDone, cliSummary, assertNoProblems, HEX64 } from './helpers.mjs';

const CNN = '#lab=cnn&seed=2&epochs=1&batch_size=64&train_size=256';
const CNN2 = '#lab=cnn&seed=3&epochs=2&batch_size=64&train_size=256';
let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

/** Clicks `selector` in the Export sheet and returns the downloaded file's bytes and name. */
async function download(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(await d.path()) };
}

/** Loads `bytes` as file `name` through the Export sheet; returns the sheet's message. */
async function importFile(page, name, bytes) {
  await page.click('#export');
  await page.setInputFiles('#import-weights', { name, mimeType: 'application/octet-stream', buffer: bytes });
  await page.waitForFunction(() => /Loaded|Could not/.test(document.getElementById('import-status').textContent), null, { timeout: 60_000 });
  const text = await page.textContent('#import-status');
  await page.keyboard.press('Escape');
  return text;
}

test('results, curves, pictures and weights export; the weights load back exactly; bad files change nothing', { timeout: 180_000 }, async () => {
  const { page, problems, context } = await openPage(browser);
  const parsed = await gotoLab(page, CNN);
  await page.click('#export');
  assert.equal(await page.isVisible('#export-empty'), true, 'before a run there is nothing to export');
  await page.keyboard.press('Escape');
  await page.click('#run');
  const [done] = await waitForDone(page);
  await page.click('#export');

  const json = JSON.parse((await download(page, '#export-json')).bytes);
  assert.equal(json.link, `#${parsed.canonical}`);
  assert.equal(json.link_version, 1);
  assert.equal(json.configuration.seed, 2);
  assert.equal(json.runs[0].weights_sha256, done.summary.weights_sha256);
  assert.deepEqual(json.runs[0].metrics, done.summary.metrics);
  assert.equal(json.runs[0].per_step.losses.length, 4, 'one loss per batch: 256 / 64');
  assert.ok(json.runs[0].seconds > 0 && json.runs[0].phase_ms.train > 0);

  const csv = (await download(page, '#export-csv')).bytes.toString('utf8').trim().split('\n');
  assert.equal(csv[0], 'run,curve,index,epoch,step,test_accuracy,test_loss,value');
  const epochRow = csv.find((l) => l.startsWith('"cnn","epochs",0,'));
  assert.ok(epochRow.includes(String(done.summary.metrics.test_accuracy)), epochRow);
  assert.equal(csv.filter((l) => l.startsWith('"cnn","per_step.losses"')).length, 4);

  // Every chart is offered as PNG, and the gallery's tiles as one picture.
  const pngs = await page.$$eval('.export-list button', (bs) => bs.map((b) => b.textContent));
  assert.ok(pngs.some((t) => t.startsWith('Loss')) && pngs.some((t) => /Test images \(\d+ pictures\)/.test(t)), pngs.join(' | '));
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('.export-list button >> nth=0')]);
  assert.deepEqual([...fs.readFileSync(await png.path()).subarray(1, 4)], [...Buffer.from('PNG')]);

  const weights = await download(page, '#export-weights');
  assert.match(weights.name, /^mlpad-cnn-[0-9a-f]{8}\.safetensors$/);
  await page.keyboard.press('Escape');

  // A fresh page on other settings loads the file: the file's link, fingerprint, accuracy.
  const fresh = await openPage(browser);
  await gotoLab(fresh.page, '#lab=cnn&seed=9&epochs=3');
  const before = await fresh.page.evaluate(() => location.hash);
  const refuse = async (name, bytes, pattern) => {
    const text = await importFile(fresh.page, name, bytes);
    assert.match(text, pattern, name);
    assert.match(text, /Nothing was changed/);
    assert.equal(await fresh.page.evaluate(() => location.hash), before, `${name} changed the settings`);
    assert.equal(await fresh.page.textContent('#weights-sha256'), '–');
  };
  await refuse('cut.safetensors', weights.bytes.subarray(0, weights.bytes.length >> 1), /cut short/);
  await refuse('notes.txt', Buffer.from('these are not weights'), /not a safetensors file/);
  // A file of another lab: the regularization lab's weights, from the CLI.
  const other = `/tmp/mlpad-e2e-regularization-${process.pid}.safetensors`;
  const { spawnSync } = await import('node:child_process');
  const { CLI } = await import('./helpers.mjs');
  assert.equal(spawnSync(CLI, ['run', '#lab=regularization&epochs=1&train_size=200&variant=l2', '--weights-out', other]).status, 0);
  await refuse('l2.safetensors', fs.readFileSync(other), /weights of the L1 \/ L2 lab/);
  fs.rmSync(other);
  // Right names, one tensor's shape changed: rewrite the header's first kernel shape.
  const headerLen = Number(weights.bytes.readBigUInt64LE(0));
  const header = JSON.parse(weights.bytes.subarray(8, 8 + headerLen).toString());
  const kernel = Object.keys(header).find((k) => k !== '__metadata__' && header[k].shape.length === 4);
  header[kernel].shape = [header[kernel].shape.reduce((a, b) => a * b)];
  let text = JSON.stringify(header);
  text = text.padEnd(headerLen, ' ');
  const reshaped = Buffer.concat([weights.bytes.subarray(0, 8), Buffer.from(text), weights.bytes.subarray(8 + headerLen)]);
  assert.equal(reshaped.length, weights.bytes.length);
  await refuse('reshaped.safetensors', reshaped, /has shape/);

  const ok = await importFile(fresh.page, weights.name, weights.bytes);
  assert.match(ok, /^Loaded /);
  await fresh.page.waitForFunction((link) => location.hash === link, `#${parsed.canonical}`);
  assert.equal(await fresh.page.textContent('#weights-sha256'), done.summary.weights_sha256);
  assert.equal(Number(await fresh.page.getAttribute('#test-accuracy', 'data-value')), done.summary.metrics.test_accuracy);
  assert.equal(await fresh.page.inputValue('[name="seed"]'), '2', 'the controls show the file\'s run');
  // The loaded model answers the drawing pad, as the trained one did.
  assert.equal(await fresh.page.evaluate(() => document.getElementById('pad').classList.contains('locked')), false);
  // And it is the CLI's model for that link.
  assert.equal(cliSummary(`#${parsed.canonical}`).weights_sha256, done.summary.weights_sha256);
  assertNoProblems(fresh.problems);
  await fresh.context.close();
  assertNoProblems(problems);
  await context.close();
});

test('finished runs stay in the History across a reload; two compare on one chart; the list exports', { timeout: 180_000 }, async () => {
  const { page, problems, context } = await openPage(browser);
  await gotoLab(page, CNN);
  await page.click('#run');
  const [a] = await waitForDone(page);
  await page.goto(`http://127.0.0.1:${new URL(page.url()).port}/${CNN2}`);
  await page.waitForSelector('#run:not([disabled])');
  await page.click('#run');
  const [b] = await waitForDone(page);
  await page.reload();
  await page.waitForSelector('#run:not([disabled])');
  await page.click('#history-open');
  const rows = await page.$$eval('#history tbody tr', (trs) => trs.map((tr) => ({ lab: tr.dataset.lab, text: tr.textContent })));
  assert.equal(rows.length, 2);
  assert.ok(rows[0].text.includes(`${(b.summary.metrics.test_accuracy * 100).toFixed(2)}%`), rows[0].text);
  assert.ok(rows[1].text.includes(`${(a.summary.metrics.test_accuracy * 100).toFixed(2)}%`), rows[1].text);
  // Compare: tick both, one chart with one line per run.
  const boxes = page.locator('#history tbody input[type=checkbox]');
  await boxes.nth(0).check();
  await page.locator('#history tbody input[type=checkbox]').nth(1).check();
  await page.waitForSelector('#history-curve');
  const curves = await page.$$eval('#history-curve option', (os) => os.map((o) => o.value));
  assert.ok(curves.includes('epochs.test_accuracy'), curves.join());
  await page.selectOption('#history-curve', 'epochs.test_accuracy');
  const caption = await page.textContent('#history-compare .muted');
  assert.match(caption, /^A .+: 0\.\d+ · B .+: 0\.\d+$/);
  // Open brings a run's settings back.
  await page.click('#history tbody tr:nth-child(2) button');
  await page.waitForFunction((link) => location.hash === link, a.summary.link);
  // The list saves as JSON with both runs' links and fingerprints.
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#history-export')]);
  const list = JSON.parse(fs.readFileSync(await d.path(), 'utf8'));
  assert.deepEqual(list.map((e) => e.runs[0].weights_sha256), [b.summary.weights_sha256, a.summary.weights_sha256]);
  assert.ok(list.every((e) => HEX64.test(e.runs[0].weights_sha256) && e.link.startsWith('#lab=cnn')));
  assertNoProblems(problems);
  await context.close();
});

test('Code shows the Python of the current settings, from the core, in both languages', { timeout: 60_000 }, async () => {
  const { page, problems, context } = await openPage(browser);
  const parsed = await gotoLab(page, '#lab=knn&n_samples=2000&n_neighbors=7');
  await page.click('#code');
  await page.waitForFunction(() => document.getElementById('python-code').value.startsWith('# mlpad:'));
  const code = await page.inputValue('#python-code');
  assert.equal(code.split('\n')[0], `# mlpad: #${parsed.canonical}`);
  assert.match(code, /KNeighborsClassifier\(/);
  assert.match(code, /\b7\b/);
  await page.keyboard.press('Escape');
  await page.click('.lang button[data-lang="zh"]');
  await page.click('#code');
  assert.equal(await page.textContent('#sheet-title'), '用 Python 重现这个实验');
  await page.waitForFunction(() => document.getElementById('python-code').value.startsWith('# mlpad:'));
  assertNoProblems(problems);
  await context.close();
});
