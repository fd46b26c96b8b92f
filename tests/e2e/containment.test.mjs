// What the page may do is only what mlpad needs: its Content-Security-Policy blocks inline
// script (and any other host); a whole session — a lab with pretrained weights, a run,
// exports, the Code sheet — requests nothing from any other host, from the page or its
// workers, and sets no cookie.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, gotoLab, waitForDone, assertNoProblems, BASE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

test('every request stays on the page\'s origin, no cookie is set, and the CSP blocks inline script', { timeout: 180_000 }, async () => {
  const { page, problems, context } = await openPage(browser);
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const parsed = await gotoLab(page, '#lab=transfer&seed=3&steps=25&labels_per_class=3');
  await page.click('#run');
  await waitForDone(page, { jobs: parsed.variants.length });
  await page.click('#code');
  await page.waitForFunction(() => document.getElementById('python-code').value.startsWith('# mlpad:'));
  await page.keyboard.press('Escape');
  await page.click('#export');
  await page.keyboard.press('Escape');
  const origin = new URL(BASE).origin;
  const elsewhere = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(elsewhere, []);
  assert.ok(requests.some((u) => u.includes('/data/pretrained/')), 'the session did fetch its data (the recording works)');
  assert.deepEqual(await context.cookies(), []);
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'the page itself broke its policy');
  // An injected inline script does not run: the policy allows only the site's files.
  problems.length = 0;
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
    return { ran: '__inline' in window, violations: window.__violations };
  });
  assert.equal(ran.ran, false);
  assert.ok(ran.violations.some((v) => v.startsWith('script-src')), JSON.stringify(ran.violations));
  // (Chromium logs the refusal itself as a console error: that one is expected.)
  assertNoProblems(problems.filter((p) => !/Content Security Policy/.test(p)));
  await context.close();
});
