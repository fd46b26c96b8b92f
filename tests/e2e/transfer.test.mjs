// The transfer lab in the page: a link runs the four modes side by side on two workers
// (the base fetched once per worker and checked), every mode equals the CLI's run of its
// link, the table and the layer table say what each run did, the Keras code follows the
// chosen mode, the labels slider moves the link, and the reader's runs build the
// accuracy-against-labels chart, which survives a reload. A truncated base stops the run
// with the reason, and the next run works once the file is whole.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  launch, openPage, gotoLab, waitForLab, messages, sent, labelLog, waitForDone, assertNoProblems, assertSameSummary, cliSummary, inkPixels, staticHost, ROOT,
} from './helpers.mjs';

const LINK = '#lab=transfer&seed=3&steps=50&labels_per_class=5';
const MODES = ['frozen', 'fine_tune', 'scratch', 'snippet'];
let browser, host;
let truncate = false; // the host sends half of the base's file while set

before(async () => {
  browser = await launch();
  host = await staticHost('/lab/', {
    intercept(file, res) {
      if (!truncate || !file.endsWith('cnn_digits_0_4.safetensors')) return false;
      const body = fs.readFileSync(file);
      res.writeHead(200, { 'Content-Length': body.length >> 1, 'Content-Type': 'application/octet-stream' }).end(body.subarray(0, body.length >> 1));
      return true;
    },
  });
});
after(async () => {
  if (browser) await browser.close();
  if (host) await host.close();
});

test('transfer lab: four modes side by side equal the CLI; slider, layers, code and the labels chart', { timeout: 150_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const parsed = await gotoLab(page, LINK);
  assert.deepEqual(parsed.variants.map((l) => /mode=(\w+)/.exec(l)[1]), MODES);
  assert.equal(await page.locator('#controls [name="mode"]').count(), 0, 'the page runs every mode itself');
  assert.equal(await page.inputValue('[name="labels_per_class"]'), '5');
  assert.equal(await page.textContent('#view-labels-value'), '5');
  assert.match(await page.textContent('#sweep-line'), /No runs of digits 5–9/);
  const weights = [];
  page.on('request', (r) => { if (r.url().endsWith('.safetensors')) weights.push(r.url().split('/').pop()); });

  await page.click('#run');
  const done = await waitForDone(page, { jobs: 4, timeout: 120_000 });
  // Two modes at a time, one per worker; each worker fetched the base once.
  const starts = (await sent(page, 'start')).filter((m) => m.run === done[0].run);
  assert.deepEqual([...new Set(starts.map((m) => m.worker))].sort(), [0, 1], 'two workers');
  assert.deepEqual(starts.sort((a, b) => a.job - b.job).map((m) => m.link.slice(1)), parsed.variants);
  assert.deepEqual(weights, ['cnn_digits_0_4.safetensors', 'cnn_digits_0_4.safetensors']);
  assert.ok((await labelLog(page)).includes('Downloading CNN trained on MNIST digits 0–4'));

  const rows = await page.$$eval('#transfer-modes tr[data-mode]', (rs) => rs.map((r) => ({
    mode: r.dataset.mode, status: r.dataset.status, acc: Number(r.cells[1].dataset.value), text: r.cells[1].textContent, weights: r.cells[3].textContent,
  })));
  for (const m of done) {
    const mode = MODES[m.job];
    const s = m.summary;
    assert.equal(s.status, 'finished', mode);
    assertSameSummary(s, cliSummary(s.link), mode);
    const row = rows.find((r) => r.mode === mode);
    assert.equal(row.status, 'done', mode);
    assert.equal(row.acc, s.metrics.test_accuracy, `${mode}: the table shows its own run`);
    assert.equal(row.text, `${(s.metrics.test_accuracy * 100).toFixed(1)}%`);
    assert.equal(row.weights, `${s.report.trainable_params.toLocaleString('en')} / ${s.report.frozen_params.toLocaleString('en')}`);
    assert.deepEqual(s.report.curve.map((p) => p.step), [0, 25, 50], mode);
  }
  assert.equal(done[0].summary.report.frozen_params, 55_744);
  assert.equal(done[2].summary.report.frozen_params, 0);
  assert.match(await page.textContent('#progress-text'), /^4 of 4 runs finished/);
  assert.ok((await inkPixels(page, '#chart-transfer')) > 500, 'the curves are drawn');

  // Layers: three base layers frozen in the frozen mode only; fine-tuning names its rate.
  const cell = (layer, mode) => page.$eval(`#transfer-layers tr[data-layer="${layer}"] td[data-mode="${mode}"]`, (td) => td.textContent);
  assert.equal(await cell('conv2d_1', 'frozen'), 'frozen');
  assert.equal(await cell('conv2d_1', 'fine_tune'), 'trains (lr 0.0001)');
  assert.equal(await cell('dense', 'frozen'), 'trains');
  assert.equal(await page.$$eval('#transfer-layers td[data-trainable="false"]', (tds) => tds.length), 3);

  // Keras code for the chosen mode: the core's generator, for that mode's link.
  const code = (re) => page.waitForFunction((r) => new RegExp(r).test(document.getElementById('keras-code').textContent), re.source);
  await code(/base\.trainable = False/);
  await page.selectOption('#code-mode', 'snippet');
  await code(/mode=snippet/);
  const snippet = await page.textContent('#keras-code');
  assert.doesNotMatch(snippet, /trainable = False/);
  assert.match(snippet, /Adam\(learning_rate=0\.001\)/);
  await page.selectOption('#code-mode', 'fine_tune');
  await code(/base_learning_rate=0\.0001/);

  // The reader's runs: four points at 5 per class, and the frozen-vs-scratch gap.
  assert.match(await page.textContent('#sweep-line'), /^4 run\(s\) of digits 5–9/);
  const gap = (done[0].summary.metrics.test_accuracy - done[2].summary.metrics.test_accuracy) * 100;
  assert.equal(await page.textContent('#sweep-gap'), `Frozen base against from scratch: ${gap >= 0 ? '+' : ''}${gap.toFixed(1)} points at 5 per class.`);
  assert.ok((await inkPixels(page, '#chart-sweep')) > 100, 'the labels chart is drawn');

  // The slider moves by its stops and rewrites the link; the results are put away.
  await page.focus('#view-labels');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('labels_per_class=10'));
  assert.equal(await page.textContent('#view-labels-value'), '10');
  assert.equal(await page.$$eval('#transfer-modes tr[data-status="done"]', (r) => r.length), 0, 'old results put away');

  // A reload keeps the reader's runs.
  await page.goto(page.url().replace(/#.*/, '') + '?again=1' + LINK);
  await waitForLab(page);
  assert.match(await page.textContent('#sweep-line'), /^4 run\(s\)/);
  await page.click('#sweep-clear');
  assert.match(await page.textContent('#sweep-line'), /No runs/);
  assertNoProblems(problems);
  await page.context().close();
});

test('transfer lab: a truncated base stops the run with the reason; it runs once the file is whole', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const link = '#lab=transfer&seed=3&steps=25&labels_per_class=3';
  truncate = true;
  try {
    await page.goto(host.base + link);
    await waitForLab(page);
    await page.click('#run');
    await page.waitForFunction(() => window.__mlpad.messages.some((m) => m.type === 'error'), null, { timeout: 60_000 });
    const [error] = await messages(page, 'error');
    const size = fs.statSync(path.join(ROOT, 'www/data/pretrained/cnn_digits_0_4.safetensors')).size;
    assert.equal(error.message, `cnn_digits_0_4.safetensors: expected ${size} bytes, got ${size >> 1} (truncated or another file)`);
    assert.equal(await page.isVisible('#alert'), true);
    assert.match(await page.textContent('#alert-body'), /truncated or another file/);
    assert.equal(await page.textContent('#progress-label'), 'Stopped by an error');
    assert.equal(await page.isEnabled('#run'), true);
    // The mode whose base failed says so in the table.
    assert.equal(await page.$eval(`#transfer-modes tr[data-mode="${MODES[error.job]}"]`, (r) => r.dataset.status), 'failed');
  } finally {
    truncate = false;
  }
  await page.click('#run');
  const done = await waitForDone(page, { jobs: 4, timeout: 90_000 });
  assert.deepEqual(done.map((m) => m.summary.status), ['finished', 'finished', 'finished', 'finished']);
  assert.equal(await page.textContent('#progress-label'), 'Finished');
  assertNoProblems(problems);
  await page.context().close();
});
