// Sharing, for every lab: the page runs a link, its Share sheet gives that experiment's
// address, a fresh page opened at that address shows the same settings, and
// `mlpad run '<link>'` prints the same metrics and weights_sha256 the page got (one run per
// variant of a compare lab). And the tools speak both languages, aria labels included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, gotoLab, waitForLab, waitForDone, cliSummary, assertSameSummary, assertNoProblems, BASE, SMALL_LINKS } from './helpers.mjs';

const LINKS = SMALL_LINKS;

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

test('every lab has a share case', { timeout: 30_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const parsed = await gotoLab(page, '#lab=cnn');
  const ids = await page.evaluate(() => [...document.querySelectorAll('#labs a')].map((a) => a.getAttribute('href').slice(5)));
  assert.ok(ids.length >= 9 && parsed.lab === 'cnn', ids.join());
  assert.deepEqual(ids.filter((id) => !(id in LINKS)), [], 'labs without a share case');
  assertNoProblems(problems);
  await page.context().close();
});

for (const [lab, link] of Object.entries(LINKS)) {
  test(`${lab}: Share gives the experiment's link, it reopens the same settings, and the CLI replays the page's numbers`, { timeout: 240_000 }, async () => {
    const { page, problems } = await openPage(browser);
    const parsed = await gotoLab(page, link);
    assert.deepEqual(parsed.errors, [], `${link}: ${JSON.stringify(parsed.errors)}`);
    const live = await page.isHidden('#run');
    if (!live) await page.click('#run');
    const jobs = parsed.variants.length || 1;
    const done = await waitForDone(page, { jobs, timeout: 200_000 });

    // Share: the experiment's own address (the page's, not a host's), and Copy works here.
    await page.click('#share');
    const shared = await page.inputValue('#share-url');
    assert.equal(shared, `${BASE}#${parsed.canonical}`);
    assert.equal(await page.getAttribute('#share-open', 'href'), shared);
    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible('#sheet'), false, 'Escape closes the sheet');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'share', 'the focus returns to Share');

    // A reader opening the link gets the same settings.
    const other = await openPage(browser);
    await other.page.goto(shared);
    const reopened = await waitForLab(other.page);
    assert.equal(reopened.canonical, parsed.canonical);
    assertNoProblems(other.problems);
    await other.context.close();

    // The CLI prints the page's numbers, for each variant the page ran.
    const links = parsed.variants.length ? parsed.variants : [`#${parsed.canonical}`];
    for (const [i, m] of done.entries()) {
      const variantLink = links[i].startsWith('#') ? links[i] : `#${links[i]}`;
      assertSameSummary(m.summary, cliSummary(variantLink), `${lab} job ${i}`);
    }
    // The facts panel shows the same fingerprint (single-run labs).
    if (jobs === 1 && done[0].summary.weights_sha256) {
      assert.equal(await page.textContent('#weights-sha256'), done[0].summary.weights_sha256);
    }
    assertNoProblems(problems);
    await page.context().close();
  });
}

test('the tools speak Chinese, aria labels included, and numbers follow the locale', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser, { viewport: { width: 390, height: 844 } });
  await gotoLab(page, LINKS.cnn, '?lang=zh');
  await page.click('#run');
  await waitForDone(page);
  assert.equal(await page.textContent('#share'), '分享');
  assert.equal(await page.textContent('#export'), '导出');
  assert.equal(await page.getAttribute('#labs', 'aria-label'), '实验列表');
  assert.equal(await page.getAttribute('.lang', 'aria-label'), '语言');
  // Every aria label of the page is Chinese (the brand name aside).
  const labels = await page.$$eval('[aria-label]', (els) => els.map((e) => e.getAttribute('aria-label')));
  const english = labels.filter((l) => l !== 'mlpad' && !/[\u4e00-\u9fff]/.test(l));
  assert.deepEqual(english, [], 'aria labels left in English');
  await page.click('#share');
  assert.equal(await page.textContent('#sheet-title'), '分享这个实验');
  assert.equal(await page.getAttribute('.sheet-close', 'aria-label'), '关闭');
  await page.keyboard.press('Escape');
  await page.click('#history-open');
  const row = await page.textContent('#history tbody tr');
  assert.match(row, /卷积网络/);
  // zh-CN dates: year first (2026/12/2), not the English month/day order.
  assert.match(row, /20\d\d\/\d{1,2}\/\d{1,2}/);
  assertNoProblems(problems);
  await page.context().close();
});
