// Screenshots of the CNN lab after a short run, on a desktop and on a phone, for people to
// look at (MLPAD_SCREENSHOTS). MLPAD_UPDATE_SCREENSHOT=1 also refreshes docs/screenshot-cnn.png.
// Also: the page embedded in a cross-origin iframe with ?embed=1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  launch, openPage, gotoLab, waitForDone, drawStroke, assertNoProblems, cliSummary, ensureDir, SCREENSHOTS, ROOT, BASE, HEX64,
} from './helpers.mjs';

const LINK = '#lab=cnn&seed=1&epochs=2&batch_size=32&learning_rate=0.001&train_size=1024';
let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

async function shoot(name, options) {
  const { page, problems } = await openPage(browser, options);
  await gotoLab(page, LINK);
  await page.click('#run');
  const [done] = await waitForDone(page);
  assert.equal(done.summary.status, 'finished');
  assert.equal(await page.textContent('#progress-label'), 'Finished');
  await page.locator('#pad').scrollIntoViewIfNeeded();
  await drawStroke(page, '#pad', [[0.3, 0.25], [0.68, 0.22], [0.45, 0.8]]); // a "7"
  await page.waitForFunction(() => document.querySelectorAll('#probs > li[data-prob]').length === 10, null, { timeout: 10_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  // The layout must fit the viewport's width: nothing scrolls sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the viewport`);
  const file = path.join(ensureDir(SCREENSHOTS), `cnn-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  assertNoProblems(problems);
  await page.context().close();
  return file;
}

test('desktop screenshot (1280x900)', { timeout: 120_000 }, async () => {
  const file = await shoot('desktop', { viewport: { width: 1280, height: 900 } });
  if (process.env.MLPAD_UPDATE_SCREENSHOT === '1') fs.copyFileSync(file, path.join(ROOT, 'docs/screenshot-cnn.png'));
});

test('phone screenshot (360x740, 2x)', { timeout: 120_000 }, async () => {
  await shoot('phone', { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
});

test('embedded with ?embed=1 in an iframe on another origin', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const src = `${BASE}?embed=1#lab=cnn&seed=2&epochs=1&batch_size=64&train_size=256`;
  await page.setContent(`<!doctype html><title>blog</title><iframe src="${src}" style="width:900px;height:1200px;border:0"></iframe>`);
  const frame = page.frameLocator('iframe');
  // The essentials show; the other settings wait behind "More settings".
  await frame.locator('#controls [name="epochs"]').waitFor({ timeout: 20_000 });
  assert.equal(await frame.locator('#controls [name="seed"]').isVisible(), false);
  assert.equal(await frame.locator('header').first().isVisible(), false, 'the header shows in embed mode');
  await frame.locator('#run').click();
  await frame.locator('#weights-sha256').filter({ hasText: HEX64 }).waitFor({ timeout: 120_000 });
  assert.equal(await frame.locator('#progress-label').textContent(), 'Finished');
  // The run in the frame is the CLI's run of the same link.
  const link = await frame.locator('body').evaluate(() => location.hash);
  assert.equal((await frame.locator('#weights-sha256').textContent()).trim(), cliSummary(link).weights_sha256);
  await frame.locator('body').evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ensureDir(SCREENSHOTS), 'cnn-embed.png') });
  assertNoProblems(problems);
  await page.context().close();
});
