// The metrics lab in the page: the classic five-sample example shows scikit-learn's
// numbers, editing a list recomputes at once, and a bad list is named in the alert.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launch, openPage, assertNoProblems, messages, ensureDir, BASE, CLI, ROOT, SCREENSHOTS } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

const value = (page, key) => page.$eval(`#metrics-table tr[data-metric="${key}"] td:nth-child(2)`, (td) => td.textContent);

test('metrics lab: the classic example, live edits, bad input, CLI agreement', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(`${BASE}#lab=metrics`);
  await page.waitForSelector('#metrics-table tr[data-metric="accuracy"]');
  assert.equal(await value(page, 'accuracy'), '0.6');
  assert.equal(await value(page, 'precision'), '0.6666666666666666');
  assert.equal(await value(page, 'roc_auc'), '0.5833333333333333');
  assert.equal(await page.isHidden('#train'), true, 'nothing to train in this lab');

  // The page shows what the CLI prints for the same link.
  const link = await page.evaluate(() => location.hash);
  const cli = JSON.parse(execFileSync(CLI, ['run', link], { encoding: 'utf8' }).trim().split('\n').at(-1));
  for (const key of ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'matthews_corrcoef']) {
    assert.equal(await value(page, key), String(cli[key]), key);
  }

  await page.fill('[name="y_pred"]', '0,1,1,0,1');
  await page.dispatchEvent('[name="y_pred"]', 'change');
  await page.waitForFunction(() => document.querySelector('#metrics-table tr[data-metric="accuracy"] td:nth-child(2)').textContent === '1');
  assert.match(await page.evaluate(() => location.hash), /y_pred=0,1,1,0,1/);

  await page.fill('[name="y_true"]', '0,1,x');
  await page.dispatchEvent('[name="y_true"]', 'change');
  const alert = page.getByRole('alert').filter({ hasText: 'y_true' });
  await alert.waitFor({ timeout: 10_000 });
  assert.match(await alert.textContent(), /x/);
  assertNoProblems(problems);
});

test('metrics lab: the core’s warnings and the evaluation status follow the language', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(`${BASE}#lab=metrics&y_true=0,0,1&y_pred=0,0,0`);
  const warning = () => page.textContent('#metrics-warnings');
  await page.waitForFunction(() => document.getElementById('metrics-warnings').textContent.includes('Precision is ill-defined'));
  await page.click('.lang button[data-lang="zh"]');
  await page.waitForFunction(() => document.getElementById('metrics-warnings').textContent.includes('精确率（precision）无定义'));
  assert.doesNotMatch(await warning(), /ill-defined/, 'the Chinese page shows the Chinese text only');

  // Before a run, the status names the dataset's own test-set size.
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'www/data/manifest.json'), 'utf8'));
  await page.goto(`${BASE}#lab=metrics&model=knn&dataset=fashion_mnist&train_size=1000`);
  const n = await page.evaluate((c) => c.toLocaleString(), manifest.datasets.fashion_mnist.test_images.count);
  await page.waitForFunction((t) => document.getElementById('eval-status').textContent.includes(`${t} 张测试图片`), n);
  assertNoProblems(problems);
});

// ---------- evaluating a real model (model=knn / model=cnn) ----------

const cliSummary = (link) => JSON.parse(execFileSync(CLI, ['run', link], { encoding: 'utf8' }).trim().split('\n').at(-1));

/** What the one-vs-rest and cost views show, at full precision (data-value attributes). */
function shownEval(page) {
  return page.evaluate(() => {
    const num = (v) => (v === 'null' ? null : Number(v));
    const at = {};
    for (const row of document.querySelectorAll('#ovr-metrics tr')) at[row.dataset.metric] = num(row.cells[1].dataset.value);
    const cm = document.getElementById('ovr-confusion').dataset;
    for (const k of ['tp', 'fp', 'fn', 'tn']) at[k] = Number(cm[k]);
    const cost = {};
    for (const dd of document.querySelectorAll('#eval-cost dd[data-value]')) cost[dd.dataset.key] = Number(dd.dataset.value);
    const macro = {};
    for (const c of document.querySelectorAll('#mc-table tr[data-row="macro"] td[data-metric]')) macro[c.dataset.metric] = num(c.dataset.value);
    return {
      at,
      cost,
      macro,
      roc_auc: num(document.getElementById('ovr-roc-caption').dataset.value),
      average_precision: num(document.getElementById('ovr-pr-caption').dataset.value),
      hash: location.hash,
    };
  });
}

function assertEqualsCli(shown, cli) {
  for (const k of ['accuracy', 'precision', 'recall', 'f1', 'fpr', 'tp', 'fp', 'fn', 'tn']) {
    assert.equal(shown.at[k], cli.one_vs_rest.at_threshold[k], `at_threshold.${k}`);
  }
  assert.equal(shown.roc_auc, cli.one_vs_rest.roc_auc);
  assert.equal(shown.average_precision, cli.one_vs_rest.average_precision);
  for (const k of ['accuracy', 'train_accuracy', 'param_count', 'model_bytes']) assert.equal(shown.cost[k], cli[k], k);
  assert.deepEqual(shown.macro, cli.multiclass.macro_avg);
}

test('metrics lab: evaluate the KNN, move the threshold with the keyboard, equal to the CLI', { timeout: 90_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(`${BASE}#lab=metrics&model=knn&train_size=1000&positive_class=3&threshold=0.5`);
  await page.waitForSelector('#view-threshold', { state: 'attached' });
  assert.equal(await page.isHidden('#card-metrics'), true, 'the typed-lists view is put away');
  assert.equal(await page.isHidden('[name="y_true"]'), true, 'settings without effect are hidden');
  assert.equal(await page.isHidden('[name="epochs"]'), true, 'the CNN settings too');
  assert.equal(await page.inputValue('#view-threshold'), '0.5');
  await page.click('#train');
  await page.waitForSelector('#card-ovr:not([hidden])', { timeout: 60_000 });
  const before = await shownEval(page);
  assertEqualsCli(before, cliSummary(before.hash));
  assert.ok(before.cost.predict_seconds_per_image > 0, 'prediction time is measured');

  // Keyboard: 20 steps down to 0.30, below the 1/3 vote: more positives, fewer misses.
  await page.focus('#view-threshold');
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => /threshold=0\.3(&|$)/.test(location.hash));
  await page.waitForFunction((tp) => Number(document.getElementById('ovr-confusion').dataset.tp) > tp, before.at.tp);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'view-threshold', 'the slider keeps the focus');
  const after = await shownEval(page);
  assert.ok(after.at.fn < before.at.fn && after.at.fp > before.at.fp, 'a lower threshold trades misses for false alarms');
  assert.equal(after.roc_auc, before.roc_auc, 'the curves do not depend on the threshold');
  assertEqualsCli(after, cliSummary(after.hash));

  // Another class: the same model, new views (no new run).
  await page.selectOption('#view-positive_class', '8');
  await page.waitForFunction(() => /positive_class=8/.test(location.hash) && document.getElementById('ovr-at-title').textContent.includes('= 8'));
  const eight = await shownEval(page);
  assert.notEqual(eight.roc_auc, after.roc_auc);
  assert.equal((await messages(page, 'eval-done')).length, 1, 'moving the views does not train again');
  assertNoProblems(problems);
});

test('metrics lab: a bad threshold in a link, cancelling mid-training, switching model', { timeout: 90_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(`${BASE}#lab=metrics&model=cnn&train_size=12000&threshold=1.5`);
  const alert = page.getByRole('alert').filter({ hasText: 'threshold=1.5' });
  await alert.waitFor({ timeout: 10_000 });
  assert.match(await alert.textContent(), /out of range/);
  assert.equal(await page.inputValue('#view-threshold'), '0.5');
  assert.match(await page.evaluate(() => location.hash), /threshold=0\.5/);

  // Cancel: Reset while the CNN trains stops the worker's run.
  await page.click('#train');
  await page.waitForFunction(() => window.__mlpad.messages.some((m) => m.type === 'eval-progress'), null, { timeout: 30_000 });
  await page.click('#reset');
  const n = (await messages(page, 'eval-progress')).length;
  await page.waitForTimeout(1500);
  assert.ok((await messages(page, 'eval-progress')).length <= n + 1, 'no more progress after the cancel');
  assert.equal(await page.isEnabled('#train'), true);
  assert.equal(await page.textContent('#progress-pct'), '');

  // Switching model mid-run drops that run; the new model then evaluates.
  await page.click('#train');
  await page.waitForFunction(() => window.__mlpad.messages.filter((m) => m.type === 'eval-progress').length > 0);
  await page.fill('[name="train_size"]', '600');
  await page.selectOption('[name="model"]', 'knn');
  await page.waitForFunction(() => /model=knn/.test(location.hash) && document.getElementById('eval-status').textContent.includes('another model'));
  assert.equal(await page.isHidden('[name="n_neighbors"]'), false);
  await page.click('#train');
  await page.waitForSelector('#card-ovr:not([hidden])', { timeout: 60_000 });
  assert.equal((await messages(page, 'eval-done')).length, 1);
  assert.match(await page.textContent('#eval-cost'), /each of which is its own nearest neighbour/);
  assertNoProblems(problems);
});

test('metrics lab: a short CNN evaluation has the CLI weights and numbers', { timeout: 90_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(`${BASE}#lab=metrics&model=cnn&train_size=200&batch_size=50&seed=3&positive_class=2&threshold=0.4`);
  await page.waitForSelector('#view-threshold', { state: 'attached' });
  await page.click('#train');
  await page.waitForSelector('#card-ovr:not([hidden])', { timeout: 60_000 });
  const shown = await shownEval(page);
  const cli = cliSummary(shown.hash);
  assertEqualsCli(shown, cli);
  assert.equal((await page.textContent('#weights-sha256')).trim(), cli.weights_sha256);
  assert.equal(await page.getAttribute('#eval-note a', 'href'), cli.cnn_link);
  assertNoProblems(problems);
});

test('metrics lab: screenshots of a KNN evaluation, desktop and phone, nothing wider than the screen', { timeout: 90_000 }, async () => {
  for (const [name, viewport, deviceScaleFactor] of [['desktop', { width: 1280, height: 900 }, 1], ['phone', { width: 360, height: 740 }, 2]]) {
    const { page, problems } = await openPage(browser, { viewport, deviceScaleFactor });
    await page.goto(`${BASE}#lab=metrics&model=knn&train_size=1000&positive_class=8&threshold=0.5`);
    await page.waitForSelector('#view-threshold', { state: 'attached' });
    await page.click('#train');
    await page.waitForSelector('#card-multiclass:not([hidden])', { timeout: 60_000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the viewport`);
    await page.screenshot({ path: path.join(ensureDir(SCREENSHOTS), `metrics-knn-${name}.png`), fullPage: true });
    assertNoProblems(problems);
    await page.context().close();
  }
});
