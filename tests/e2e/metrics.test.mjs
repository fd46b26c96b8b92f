// The metrics lab in the page (typed lists, live): the classic five-sample example shows
// scikit-learn's numbers, equal to the CLI's; editing a list recomputes at once (no Run
// button); a bad list is named in the alert; the core's warnings follow the language.
// Evaluating a trained model is the evaluate lab's (evaluate.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, gotoLab, assertNoProblems, messages, sent, summaries, setControl, assertSameSummary, cliSummary } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

const value = (page, key) => page.$eval(`#metrics-table tr[data-metric="${key}"] td:nth-child(2)`, (td) => td.textContent);
/** Waits until the page has the summary of its latest run (one per edit: the lab is live). */
async function latestSummary(page) {
  await page.waitForFunction(() => {
    const run = window.__mlpad.sent.filter((m) => m.type === 'start').at(-1)?.run;
    return window.__mlpad.messages.some((m) => m.type === 'summary' && m.run === run);
  });
  return (await summaries(page)).at(-1);
}

test('metrics lab: the classic example, live edits, bad input, CLI agreement', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=metrics');
  let shown = await latestSummary(page);
  await page.waitForSelector('#metrics-table tr[data-metric="accuracy"]');
  assert.equal(await value(page, 'accuracy'), '0.6');
  assert.equal(await value(page, 'precision'), '0.6666666666666666');
  assert.equal(await value(page, 'roc_auc'), '0.5833333333333333');
  // Nothing to start, pause or watch: the lab answers every edit at once.
  for (const id of ['#run', '#pause', '#reset', '#progress-block', '#facts']) assert.equal(await page.isHidden(id), true, `${id} is shown`);
  assert.equal(await page.locator('[name="seed"]').count(), 0, 'no seed in this lab');

  // The page shows what the CLI prints for the same link.
  const link = await page.evaluate(() => location.hash);
  assert.equal(link, shown.summary.link);
  const cli = cliSummary(link);
  assertSameSummary(shown.summary, cli);
  for (const key of ['accuracy', 'precision', 'recall', 'f1', 'balanced_accuracy', 'roc_auc', 'matthews_corrcoef', 'average_precision']) {
    assert.equal(await value(page, key), String(cli.report[key]), key);
  }
  const counts = await page.$$eval('#confusion tr', (rows) => rows.slice(1).map((r) => [...r.cells].slice(1).map((c) => Number(c.textContent))));
  assert.deepEqual(counts, cli.report.confusion_matrix.counts);

  // An edit recomputes at once: one more run and summary, for the new link.
  const runs = (await sent(page, 'start')).length;
  await setControl(page, 'y_pred', '0,1,1,0,1');
  await page.waitForFunction(() => document.querySelector('#metrics-table tr[data-metric="accuracy"] td:nth-child(2)').textContent === '1');
  assert.match(await page.evaluate(() => location.hash), /y_pred=0,1,1,0,1/);
  assert.equal((await sent(page, 'start')).length, runs + 1);
  shown = await latestSummary(page);
  assertSameSummary(shown.summary, cliSummary(shown.summary.link));
  assert.equal(shown.summary.metrics.accuracy, 1);

  // A bad list: the reader's text stays in the field, the reason shows under it (not at
  // the top of the page, out of view), and the link holds the default meanwhile.
  await setControl(page, 'y_true', '0,1,x');
  await page.waitForSelector('#param-y_true-error');
  assert.equal(await page.inputValue('[name="y_true"]'), '0,1,x');
  assert.equal(await page.getAttribute('[name="y_true"]', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('[name="y_true"]', 'aria-describedby'), /param-y_true-error/);
  assert.match(await page.textContent('#param-y_true-error'), /item 3, "x", is not a whole number/);
  assert.equal(await page.isHidden('#alert'), true, 'the edit\'s problem is not sent to the top of the page');
  const bad = (await messages(page, 'parsed')).at(-1);
  assert.deepEqual(bad.errors.map((e) => e.key), ['y_true']);
  assert.match(bad.canonical, /y_true=0,1,1,0,1(&|$)/);
  // Fixing the text clears the mark.
  await setControl(page, 'y_true', '0,1,1,0,0');
  assert.equal(await page.$('#param-y_true-error'), null);
  assert.equal(await page.inputValue('[name="y_true"]'), '0,1,1,0,0');
  assertNoProblems(problems);
});

test('metrics lab: the core’s warnings follow the language', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=metrics&y_true=0,0,1&y_pred=0,0,0');
  const warning = () => page.textContent('#metrics-warnings');
  await page.waitForFunction(() => document.getElementById('metrics-warnings').textContent.includes('Precision is ill-defined'));
  const shown = await latestSummary(page);
  assert.ok(shown.summary.report.warnings.length > 0);
  await page.click('.lang button[data-lang="zh"]');
  await page.waitForFunction(() => document.getElementById('metrics-warnings').textContent.includes('精确率（precision）无定义'));
  assert.doesNotMatch(await warning(), /ill-defined/, 'the Chinese page shows the Chinese text only');
  assert.equal((await summaries(page)).length, 1, 'a language switch does not run the lab again');
  assertNoProblems(problems);
});
