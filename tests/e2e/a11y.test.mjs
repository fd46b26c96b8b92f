// Every lab, as a reader on a 360 px phone and a screen-reader user meet it: no horizontal
// overflow before or after a run, wide tables scroll inside their card with a hint, and
// axe-core finds no serious or critical accessibility violation, in English and Chinese.
// Plus the keyboard: the focus stays on a control after Run, and the drawing pad takes a
// test image without a pointer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { launch, openPage, gotoLab, waitForDone, assertNoProblems, SMALL_LINKS } from './helpers.mjs';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const LINKS = SMALL_LINKS;

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

/** Elements wider than the page (the page itself included), named for the message. */
const overflow = (page) => page.evaluate(() => {
  const W = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > W) out.push(`page ${document.documentElement.scrollWidth} px`);
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= W + 1 || el.closest('.sheet')) continue;
    // Inside a box that clips or scrolls it, that box is what must fit.
    let clip = el.parentElement;
    while (clip && clip !== document.body && getComputedStyle(clip).overflowX === 'visible') clip = clip.parentElement;
    if (clip && clip !== document.body && clip.getBoundingClientRect().right <= W + 1) continue;
    out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className} right=${Math.round(r.right)}`);
  }
  return out.slice(0, 5);
});

/** axe-core's serious and critical violations on the page. */
async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

for (const [lab, link] of Object.entries(LINKS)) {
  test(`${lab}: fits 360 px before and after a run; axe finds nothing serious in English or Chinese`, { timeout: 240_000 }, async () => {
    const { page, problems, context } = await openPage(browser, { viewport: { width: 360, height: 740 } });
    const parsed = await gotoLab(page, link);
    assert.deepEqual(await overflow(page), [], 'before the run');
    if (!(await page.isHidden('#run'))) await page.click('#run');
    await waitForDone(page, { jobs: parsed.variants.length || 1, timeout: 200_000 });
    await page.waitForTimeout(300); // the last redraw
    assert.deepEqual(await overflow(page), [], 'after the run');
    // A table that scrolls says so.
    for (const box of await page.$$('.scroll-x')) {
      const wide = await box.evaluate((b) => b.scrollWidth > b.clientWidth + 1);
      if (wide) assert.equal(await box.evaluate((b) => b.classList.contains('scrolls')), true, 'a wide table without its scroll hint');
    }
    assert.deepEqual(await violations(page), [], 'axe, English');
    await page.click('.lang button[data-lang="zh"]');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    assert.deepEqual(await violations(page), [], 'axe, Chinese');
    assert.deepEqual(await overflow(page), [], 'Chinese');
    assertNoProblems(problems);
    await context.close();
  });
}

test('keyboard: after Run the focus stays on a control; the pad takes a test image', { timeout: 120_000 }, async () => {
  const { page, problems, context } = await openPage(browser);
  await gotoLab(page, LINKS.cnn);
  await page.focus('#run');
  await page.keyboard.press('Enter');
  assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'BODY');
  assert.ok(['pause', 'reset'].includes(await page.evaluate(() => document.activeElement.id)));
  await waitForDone(page);
  assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'BODY', 'the focus fell to the page after the run');
  // The pad without a pointer: the sample button puts test images on it and asks.
  await page.focus('#pad-sample');
  const asked = () => page.evaluate(() => window.__mlpad.sent.filter((m) => m.type === 'predict').length);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__mlpad.messages.some((m) => m.type === 'prediction'));
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__mlpad.messages.filter((m) => m.type === 'prediction').length >= 2);
  assert.equal(await asked(), 2);
  assert.match(await page.textContent('#probs'), /%/);
  // Charts say in words what they draw.
  const summary = await page.$eval('#chart-loss', (c) => document.getElementById(c.getAttribute('aria-describedby')).textContent);
  assert.match(summary, /→/);
  assertNoProblems(problems);
  await context.close();
});
