// A browser without WebAssembly SIMD (simulated: validate() answers false, as an old
// engine does for the probe module) gets a plain message in its language and a disabled
// Run button, with no error in the console. (Chosen over serving a scalar build: every
// browser released since 2023 has SIMD, and one build keeps results bit-identical.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, assertNoProblems, BASE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

for (const [lang, words] of [['en', /lacks WebAssembly SIMD/], ['zh', /不支持 WebAssembly SIMD/]]) {
  test(`no SIMD (${lang}): a clear message, Run disabled, nothing thrown`, { timeout: 30_000 }, async () => {
    const { page, problems, context } = await openPage(browser);
    await context.addInitScript(() => {
      const validate = WebAssembly.validate;
      // The probe uses v128 (type 0x7b): refuse it, as an engine without SIMD does.
      WebAssembly.validate = (bytes) => !new Uint8Array(bytes).includes(0x7b) && validate(bytes);
    });
    await page.goto(`${BASE}?lang=${lang}#lab=cnn`);
    await page.waitForFunction(() => !document.getElementById('alert').hidden);
    assert.match(await page.textContent('#alert-body'), words);
    assert.equal(await page.isDisabled('#run'), true);
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.__mlpad.sent.some((m) => m.type === 'init')), false);
    assertNoProblems(problems);
    await context.close();
  });
}
