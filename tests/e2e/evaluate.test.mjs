// The evaluate lab in the page: a KNN or a short CNN is trained and scored, and every
// number the views show (one class against the rest at a threshold, all classes, the
// cost) equals the CLI's for the same link; moving the threshold or the class only
// redraws the finished run (no second run); a bad threshold in a link is named; Reset
// cancels a run; a changed model puts the results away; old `#lab=metrics&model=…` links
// open this lab with their settings and a note. Also screenshots, desktop and phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import path from 'node:path';
import {
  launch, openPage, gotoLab, assertNoProblems, messages, sent, summaries, labelLog, waitForDone, waitForProgress, setControl,
  assertSameSummary, cliSummary, slim, jsonish, ensureDir, ROOT, SCREENSHOTS,
} from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

const KNN = '#lab=evaluate&model=knn&train_size=1000&positive_class=3&threshold=0.5';

/** What the one-vs-rest, all-classes and cost views show, at full precision (data-value attributes). */
function shownEval(page) {
  return page.evaluate(() => {
    const num = (v) => (v === 'null' ? null : Number(v));
    const at = {};
    for (const row of document.querySelectorAll('#ovr-metrics tr')) at[row.dataset.metric] = num(row.cells[1].dataset.value);
    const cm = document.getElementById('ovr-confusion').dataset;
    for (const k of ['tp', 'fp', 'fn', 'tn']) at[k] = Number(cm[k]);
    const cost = {};
    for (const dd of document.querySelectorAll('#eval-cost dd[data-value]')) cost[dd.dataset.key] = Number(dd.dataset.value);
    const rows = {};
    for (const tr of document.querySelectorAll('#mc-table tr[data-row]')) {
      rows[tr.dataset.row] = {};
      for (const c of tr.querySelectorAll('td[data-metric]')) rows[tr.dataset.row][c.dataset.metric] = num(c.dataset.value);
    }
    return {
      at,
      cost,
      rows,
      roc_auc: num(document.getElementById('ovr-roc-caption').dataset.value),
      average_precision: num(document.getElementById('ovr-pr-caption').dataset.value),
      title: document.getElementById('ovr-at-title').textContent,
      hash: location.hash,
    };
  });
}

/** The views show the report of `cli` (the CLI's summary for the same link). */
function assertShowsCli(shown, cli) {
  const r = cli.report;
  const o = r.one_vs_rest;
  for (const k of ['accuracy', 'precision', 'recall', 'f1', 'fpr', 'tp', 'fp', 'fn', 'tn']) assert.equal(shown.at[k], o.at_threshold[k], `at_threshold.${k}`);
  assert.equal(shown.roc_auc, o.roc_auc);
  assert.equal(shown.average_precision, o.average_precision);
  for (const k of ['accuracy', 'train_accuracy', 'param_count', 'model_bytes']) assert.equal(shown.cost[k], r[k], k);
  assert.deepEqual(shown.rows.macro, r.multiclass.macro_avg);
  assert.deepEqual(shown.rows.weighted, r.multiclass.weighted_avg);
  r.multiclass.labels.forEach((label, i) => {
    assert.deepEqual(shown.rows[String(label)], { precision: r.multiclass.precision[i], recall: r.multiclass.recall[i], f1: r.multiclass.f1[i] }, `class ${label}`);
  });
  assert.equal(shown.title, `At threshold ${o.at_threshold.threshold.toFixed(2)}, positive = ${o.positive_class}`);
}

/** Waits until every redraw the page asked for (`view`) is answered, and returns the answers. */
async function waitForViews(page) {
  await page.waitForFunction(() => window.__mlpad.messages.filter((m) => m.type === 'view').length === window.__mlpad.sent.filter((m) => m.type === 'view').length);
  return messages(page, 'view');
}

test('evaluate lab: the KNN, the threshold moved with the keyboard and the class changed only redraw; equal to the CLI', { timeout: 90_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, KNN);
  assert.equal(await page.isHidden('#alert'), true, 'a current link has nothing to note');
  assert.equal(await page.locator('#card-metrics').count(), 0, 'no typed lists here');
  assert.equal(await page.isHidden('[name="epochs"]'), true, 'settings without effect on a KNN are hidden');
  assert.equal(await page.isHidden('[name="n_neighbors"]'), false);
  assert.equal(await page.inputValue('#view-threshold'), '0.5');
  assert.equal(await page.inputValue('#view-positive_class'), '3');
  assert.equal(await page.textContent('#run'), 'Evaluate');
  assert.equal(await page.isHidden('#view-threshold'), false, 'the class and threshold can be set before a run');
  assert.equal(await page.isHidden('#ovr-results'), true, 'no views before a run');
  await page.click('#run');
  const [done] = await waitForDone(page);
  assert.equal(await page.isHidden('#ovr-results'), false);
  assert.equal(await page.isHidden('#card-multiclass'), false);
  const phases = (await messages(page, 'progress')).filter((m) => m.run === done.run).map((m) => m.progress.phase);
  assert.deepEqual([...new Set(phases)], ['load_data', 'train', 'predict_test', 'predict_train']);
  assert.deepEqual(await labelLog(page), ['Ready', 'Downloading MNIST', 'Checking the data…', 'Training', 'Classifying test images', 'Classifying training images', 'Finished']);
  const before = await shownEval(page);
  assert.equal(before.hash, done.summary.link);
  const cli = cliSummary(before.hash);
  assertSameSummary(done.summary, cli);
  assertShowsCli(before, cli);
  assert.equal(Number(await page.getAttribute('#test-accuracy', 'data-value')), cli.metrics.test_accuracy);
  assert.ok(before.cost.predict_seconds_per_image > 0, 'prediction time is measured');
  assert.ok(before.cost.train_seconds > 0, 'training time is measured');
  assert.equal(await page.textContent('#eval-status'), 'Every number below is measured on this run; the ones that do not depend on timing equal what `mlpad run` prints for the same link.');

  // Keyboard: 20 steps down to 0.30, below the 1/3 vote: more positives, fewer misses.
  // Every threshold the card shows on the way: replies to older values must not be drawn.
  await page.evaluate(() => {
    const title = document.getElementById('ovr-at-title');
    window.__titles = [];
    new MutationObserver(() => window.__titles.push(title.textContent)).observe(title, { childList: true, characterData: true, subtree: true });
  });
  await page.focus('#view-threshold');
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => /threshold=0\.3(&|$)/.test(location.hash));
  const views = await waitForViews(page);
  const shownThresholds = (await page.evaluate(() => window.__titles)).map((t) => Number(/threshold ([\d.]+)/.exec(t)[1]));
  assert.ok(shownThresholds.length > 0, 'the card redrew');
  for (let i = 1; i < shownThresholds.length; i++) {
    assert.ok(shownThresholds[i] <= shownThresholds[i - 1], `the shown threshold went back: ${shownThresholds.join(', ')}`);
  }
  assert.equal(shownThresholds.at(-1), 0.3);
  assert.ok(views.length >= 20, `redraws: ${views.length}`);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'view-threshold', 'the slider keeps the focus');
  const after = await shownEval(page);
  assert.ok(after.at.fn < before.at.fn && after.at.fp > before.at.fp, 'a lower threshold trades misses for false alarms');
  assert.equal(after.roc_auc, before.roc_auc, 'the curves do not depend on the threshold');
  const cliAfter = cliSummary(after.hash);
  assertShowsCli(after, cliAfter);
  // The last redraw is the report the CLI prints for the new link.
  assert.deepEqual(jsonish(views.at(-1).report), jsonish(slim(cliAfter.report)));

  // Another class: the same model, new views.
  await page.selectOption('#view-positive_class', '8');
  await page.waitForFunction(() => /positive_class=8/.test(location.hash) && document.getElementById('ovr-at-title').textContent.endsWith('= 8'));
  await waitForViews(page);
  const eight = await shownEval(page);
  assert.notEqual(eight.roc_auc, after.roc_auc);
  assertShowsCli(eight, cliSummary(eight.hash));

  // None of this ran the lab again: one start, one summary, and the page still says Finished.
  assert.equal((await sent(page, 'start')).length, 1, 'moving the views started another run');
  assert.equal((await summaries(page)).length, 1, 'moving the views gave another summary');
  assert.equal(await page.textContent('#progress-label'), 'Finished');
  assert.equal(await page.textContent('#status'), '');
  assertNoProblems(problems);
});

test('evaluate lab: a bad threshold in a link, cancelling mid-training, switching model', { timeout: 90_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const parsed = await gotoLab(page, '#lab=evaluate&model=cnn&train_size=12000&threshold=1.5');
  assert.deepEqual(parsed.errors.map((e) => e.key), ['threshold']);
  const alert = page.getByRole('alert').filter({ hasText: 'threshold=1.5' });
  await alert.waitFor({ timeout: 10_000 });
  assert.match(await alert.textContent(), /out of range/);
  assert.equal(await page.inputValue('#view-threshold'), '0.5');
  assert.match(await page.evaluate(() => location.hash), /threshold=0\.5/);

  // Cancel: Reset while the CNN trains stops the worker's run.
  await page.click('#run');
  await waitForProgress(page, { phase: 'train' });
  assert.equal(await page.textContent('#eval-status'), 'Working: the progress bar on the left shows each step. Reset cancels.');
  await page.click('#reset');
  const resetAt = (await sent(page, 'reset')).at(-1).at;
  // Waiting shows that the worker stopped: at most the step in flight lands.
  await sleep(1500);
  const late = (await messages(page, 'progress')).filter((m) => m.at > resetAt);
  assert.ok(late.length <= 1, 'training went on after the cancel');
  assert.equal(await page.isEnabled('#run'), true);
  assert.equal(await page.textContent('#progress-pct'), '');
  assert.equal(await page.textContent('#progress-label'), 'Ready');
  assert.match(await page.textContent('#eval-status'), /^Press Evaluate to train the CNN/);
  assert.equal((await summaries(page)).length, 0);

  // Switching model mid-run drops that run with a note; the new model then evaluates.
  await page.click('#run');
  await waitForProgress(page, { phase: 'train' });
  await setControl(page, 'train_size', '600');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('The settings changed'));
  await setControl(page, 'model', 'knn');
  assert.match(await page.evaluate(() => location.hash), /model=knn/);
  assert.equal(await page.textContent('#status'), 'The settings changed, so the results of the previous run were put away. Press Evaluate to run these settings.');
  assert.match(await page.textContent('#eval-status'), /^Press Evaluate to store 600 training images in a KNN/);
  assert.equal(await page.isHidden('[name="n_neighbors"]'), false);
  assert.equal(await page.isHidden('[name="epochs"]'), true);
  await page.click('#run');
  const [done] = await waitForDone(page);
  assert.equal((await summaries(page)).length, 1, 'only the KNN run finished');
  assert.equal(done.summary.report.model, 'knn');
  assert.equal(await page.textContent('#status'), '', 'the note goes with a new run');
  assert.match(await page.textContent('#eval-cost'), /each of which is its own nearest neighbour/);
  assertNoProblems(problems);
});

test('evaluate lab: a short CNN evaluation has the CLI weights and numbers', { timeout: 90_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=evaluate&model=cnn&train_size=200&batch_size=50&seed=3&positive_class=2&threshold=0.4');
  await page.click('#run');
  const [done] = await waitForDone(page);
  const shown = await shownEval(page);
  const cli = cliSummary(shown.hash);
  assertSameSummary(done.summary, cli);
  assertShowsCli(shown, cli);
  assert.equal((await page.textContent('#weights-sha256')).trim(), cli.weights_sha256);
  assert.equal(await page.textContent('#param-count'), cli.param_count.toLocaleString('en'));
  assert.equal(await page.getAttribute('#eval-note a', 'href'), cli.report.cnn_link);
  assertNoProblems(problems);
});

test('evaluate lab: an old metrics-lab link opens this lab with its settings, notes it once, and equals the CLI', { timeout: 90_000 }, async () => {
  const OLD = '#lab=metrics&model=knn&train_size=1000&positive_class=3&threshold=0.5';
  const { page, problems } = await openPage(browser);
  const parsed = await gotoLab(page, OLD);
  assert.equal(parsed.lab, 'evaluate');
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.notes.length, 1);
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /^#lab=evaluate&/, 'the address bar holds the new link');
  for (const kv of ['model=knn', 'train_size=1000', 'positive_class=3', 'threshold=0.5']) assert.match(hash, new RegExp(`&${kv}(&|$)`));
  assert.equal(await page.$eval('#labs a[aria-current="page"]', (a) => a.getAttribute('href')), '#lab=evaluate');
  assert.equal(await page.inputValue('[name="model"]'), 'knn');
  assert.equal(await page.inputValue('[name="train_size"]'), '1000');
  assert.equal(await page.inputValue('#view-threshold'), '0.5');
  assert.equal(await page.inputValue('#view-positive_class'), '3');
  // The note: once, under "About this link:", naming the new lab.
  assert.equal(await page.isVisible('#alert'), true);
  const body = await page.textContent('#alert-body');
  assert.equal(body.split('About this link:').length - 1, 1, `alert: ${body}`);
  const items = await page.$$eval('#alert-body li', (lis) => lis.map((li) => li.textContent));
  assert.deepEqual(items, [parsed.notes[0].en]);
  assert.match(items[0], /Evaluate/);

  await page.click('#run');
  const [done] = await waitForDone(page);
  assert.equal(`#${parsed.canonical}`, done.summary.link);
  // The CLI migrates the old link the same way: same run, same numbers.
  const cli = cliSummary(OLD);
  assert.equal(cli.link, done.summary.link);
  assertSameSummary(done.summary, cli);
  assertShowsCli(await shownEval(page), cli);
  assert.equal(await page.$$eval('#alert-body li', (lis) => lis.length), 1, 'the note is not repeated');

  // The new link opens without a note.
  await page.reload();
  const again = await page.waitForFunction(() => window.__mlpad.messages.find((m) => m.type === 'parsed')).then((h) => h.jsonValue());
  assert.deepEqual(again.notes, []);
  assert.equal(again.lab, 'evaluate');
  await page.waitForSelector('#view-threshold', { state: 'attached' });
  assert.equal(await page.isHidden('#alert'), true);
  assertNoProblems(problems);
});

test('evaluate lab: the status names the data set’s test-set size in the reader’s language', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'www/data/manifest.json'), 'utf8'));
  await gotoLab(page, '#lab=evaluate&model=knn&dataset=fashion_mnist&train_size=1000');
  const n = manifest.datasets.fashion_mnist.test_images.count;
  assert.equal(await page.textContent('#eval-status'), `Press Evaluate to store 1,000 training images in a KNN and classify the ${n.toLocaleString('en')} test images by their nearest neighbours.`);
  await page.click('.lang button[data-lang="zh"]');
  const zh = await page.evaluate((c) => c.toLocaleString(), n);
  await page.waitForFunction((t) => document.getElementById('eval-status').textContent.includes(`${t} 张测试图片`), zh);
  assert.equal(await page.textContent('#run'), '评估');
  assertNoProblems(problems);
});

test('evaluate lab: screenshots of a KNN evaluation, desktop and phone, nothing wider than the screen', { timeout: 90_000 }, async () => {
  for (const [name, viewport, deviceScaleFactor] of [['desktop', { width: 1280, height: 900 }, 1], ['phone', { width: 360, height: 740 }, 2]]) {
    const { page, problems } = await openPage(browser, { viewport, deviceScaleFactor });
    await gotoLab(page, '#lab=evaluate&model=knn&train_size=1000&positive_class=8&threshold=0.5');
    await page.click('#run');
    await waitForDone(page);
    assert.equal(await page.isHidden('#card-multiclass'), false);
    await page.evaluate(() => window.scrollTo(0, 0));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the viewport`);
    await page.screenshot({ path: path.join(ensureDir(SCREENSHOTS), `evaluate-knn-${name}.png`), fullPage: true });
    assertNoProblems(problems);
    await page.context().close();
  }
});
