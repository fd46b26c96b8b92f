// The KNN lab in the page: Classify runs the held-out images with a progress bar, and its
// summary (accuracy, accuracy for every k, confusion matrix, neighbour gallery) equals the
// native CLI's (which matches scikit-learn); the page shows those numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, gotoLab, assertNoProblems, inkPixels, messages, labelLog, waitForDone, assertSameSummary, cliSummary } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

test('knn lab: progress, summary equal to the CLI, gallery with mistakes first', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await gotoLab(page, '#lab=knn&n_samples=2000&n_neighbors=5');
  assert.equal(await page.inputValue('[name="n_neighbors"]'), '5');
  assert.equal(await page.textContent('#run'), 'Classify');
  assert.equal(await page.textContent('#knn-accuracy'), '–');
  await page.click('#run');
  const [done] = await waitForDone(page);
  const s = done.summary;
  assert.equal(s.status, 'finished');

  // Progress: the held-out images, classified in several steps up to all 400.
  const steps = (await messages(page, 'progress')).filter((m) => m.run === done.run && m.progress.phase !== 'load_data').map((m) => m.progress);
  assert.ok(steps.length >= 2, `classify steps: ${steps.length}`);
  assert.ok(steps.every((p) => p.phase === 'classify' && p.total === 400), `phases: ${steps.map((p) => `${p.phase} ${p.total}`)}`);
  for (let i = 1; i < steps.length; i++) assert.ok(steps[i].step > steps[i - 1].step);
  assert.equal(steps.at(-1).step, 400);
  assert.deepEqual(await labelLog(page), ['Ready', 'Downloading MNIST', 'Checking the data…', 'Classifying', 'Finished']);

  const link = await page.evaluate(() => location.hash);
  assert.equal(link, s.link);
  const cli = cliSummary(link);
  assertSameSummary(s, cli);
  // The page shows the run's numbers.
  assert.equal(Number(await page.getAttribute('#knn-accuracy', 'data-value')), cli.report.accuracy);
  assert.equal(await page.textContent('#knn-accuracy'), `${(cli.report.accuracy * 100).toFixed(2)}%`);
  assert.equal(Number(await page.getAttribute('#test-accuracy', 'data-value')), cli.metrics.test_accuracy);
  assert.equal(cli.report.accuracy_by_k.length, 15);
  assert.ok((await inkPixels(page, '#chart-k')) > 200, 'the accuracy-by-k chart is drawn');
  const matrix = await page.$$eval('#knn-confusion tr', (rows) => rows.slice(1).map((r) => [...r.cells].slice(1).map((c) => Number(c.textContent))));
  assert.deepEqual(matrix, cli.report.confusion_matrix, 'the confusion matrix shown');

  const rows = await page.$$eval('.knn-row', (rs) => rs.map((r) => ({
    wrong: r.classList.contains('wrong'), images: r.querySelectorAll('canvas').length, caption: r.querySelector('figcaption').textContent,
  })));
  assert.equal(rows.length, cli.report.gallery.length);
  assert.ok(rows.every((r) => r.images === 6), 'each row: the test image and its 5 neighbours');
  rows.forEach((r, i) => {
    const g = cli.report.gallery[i];
    assert.equal(r.caption, `${g.label} → ${g.predicted}`);
    assert.equal(r.wrong, g.label !== g.predicted);
  });
  assert.equal(rows[0].wrong, true, 'this run makes mistakes, and shows them');
  assert.ok(rows.every((r, i) => i === 0 || !r.wrong || rows[i - 1].wrong), 'mistakes come first');
  assertNoProblems(problems);
});
