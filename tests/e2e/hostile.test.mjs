// Hostile and malformed links, over two hundred of them: wrong types, huge and tiny
// numbers, NaN, negative sizes, unknown labs, repeated keys, script and HTML in keys and
// values, very long hashes, percent-encoding tricks. For each: the page names what it
// refused in a bounded message, builds no markup from the link, throws nothing, does not
// overflow sideways; and after all of them it still trains.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, gotoLab, coreSchema, waitForDone, assertNoProblems } from './helpers.mjs';

let browser, schema;
before(async () => { browser = await launch(); schema = await coreSchema(); });
after(async () => { if (browser) await browser.close(); });

const SCRIPTS = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '"><svg onload=window.__pwned=1>',
  "javascript:window.__pwned=1",
];
const BAD_VALUES = ['abc', 'NaN', 'Infinity', '-Infinity', '1e999', '-1', '0', '-0', '99999999999999999999', '1.5', '0x10', '1e-400', '', '%00', '%zz', '%E0%A4%A', '%2526', '9'.repeat(20_000), ' 1', '1,2,,3', ...SCRIPTS.map(encodeURIComponent)];

/** The links: for every lab and each of its settings a few bad values, then general tricks. */
function hostileLinks() {
  const links = [];
  for (const lab of schema) {
    lab.params.forEach((p, i) => {
      // Each setting gets a share of the bad values, so every kind meets every lab.
      for (let j = i % 3; j < BAD_VALUES.length; j += 3) links.push(`#lab=${lab.id}&${p.name}=${BAD_VALUES[j]}`);
    });
    links.push(`#lab=${lab.id}&lab=knn`, `#lab=${lab.id}&seed=1&seed=2&seed=3`, `#lab=${lab.id}&v=999`, `#lab=${lab.id}&${encodeURIComponent(SCRIPTS[1])}=1`);
  }
  links.push(
    '#lab=nope', `#lab=${encodeURIComponent(SCRIPTS[0])}`, `#lab=${'x'.repeat(50_000)}`, '#', '#&&&&', '#=', '#==&=', '#lab', '#lab=',
    `#${'a=1&'.repeat(5_000)}`, '#lab=cnn&epochs=%', '#lab=cnn%26epochs%3D3', '#lab%3Dcnn', '#lab=cnn&epochs=3%23more',
    '#lab=knn&n_neighbors=1e9&n_samples=-5&test_size=NaN', `#lab=metrics&y_true=${'1,'.repeat(6_000)}1`, `#lab=metrics&y_score=${'0.5,'.repeat(100)}nan`,
    '#lab=gan&steps=200001&batch_size=0&latent_dim=-1', '#lab=transfer&labels_per_class=0&steps=99999999', '#lab=cnn&train_size=1e5&batch_size=513',
  );
  return links;
}

test('200+ hostile links: bounded messages, no markup from the link, no exception, no overflow; then it trains', { timeout: 600_000 }, async () => {
  const links = hostileLinks();
  assert.ok(links.length >= 200, `only ${links.length} links`);
  const { page, problems, context } = await openPage(browser, { viewport: { width: 360, height: 740 } });
  await gotoLab(page, '#lab=cnn');
  const markup = () => page.evaluate(() => document.querySelectorAll('main script, main img, main svg, main iframe, [onerror], [onload]').length);
  const baseline = await markup();
  for (const link of links) {
    const before = await page.evaluate(() => window.__mlpad.messages.filter((m) => m.type === 'parsed').length);
    await page.evaluate((h) => { location.hash = h; }, link);
    // The core answered and the page settled on its canonical link.
    await page.waitForFunction((n) => {
      const parsed = window.__mlpad.messages.filter((m) => m.type === 'parsed');
      return parsed.length > n && location.hash === `#${parsed.at(-1).canonical}`;
    }, before, { timeout: 20_000, polling: 20 }).catch(() => assert.fail(`no answer for ${link.slice(0, 120)}`));
    const state = await page.evaluate(() => ({
      pwned: 'pwned' in window || '__pwned' in window,
      alert: document.getElementById('alert').hidden ? '' : document.getElementById('alert-body').textContent,
      items: [...document.querySelectorAll('#alert-body li')].map((li) => li.textContent.length),
      wide: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }));
    const what = link.length > 120 ? `${link.slice(0, 120)}… (${link.length} chars)` : link;
    assert.equal(state.pwned, false, `script ran: ${what}`);
    assert.ok(state.items.every((n) => n < 600), `a message of ${Math.max(...state.items)} characters: ${what}`);
    assert.ok(state.alert.length < 6_000, `alert of ${state.alert.length} characters: ${what}`);
    assert.ok(state.wide <= 0, `${state.wide} px of horizontal overflow: ${what}`);
    assert.equal(await markup(), baseline, `markup appeared: ${what}`);
    assertNoProblems(problems);
  }
  // The address bar never keeps a link the core refused: it holds a canonical link.
  assert.match(await page.evaluate(() => location.hash), /^#lab=[a-z]+&v=1/);
  // And the page still trains.
  await page.evaluate(() => { location.hash = '#lab=cnn&seed=2&epochs=1&batch_size=64&train_size=256'; });
  await page.waitForFunction(() => location.hash.startsWith('#lab=cnn&v=1&seed=2'));
  await page.click('#run');
  const [done] = await waitForDone(page);
  assert.equal(done.summary.status, 'finished');
  assertNoProblems(problems);
  await context.close();
});

test('text from a link or a file never becomes HTML', { timeout: 60_000 }, async () => {
  const { page, problems, context } = await openPage(browser);
  const payload = SCRIPTS[1];
  await gotoLab(page, `#lab=metrics&y_true=${encodeURIComponent(payload)}&${encodeURIComponent(payload)}=1`);
  const text = await page.textContent('#alert-body');
  assert.ok(text.includes('<img src=x'), 'the value is shown as text');
  assert.equal(await page.$$eval('#alert-body img, #alert-body [onerror]', (e) => e.length), 0);
  // A "weights file" with markup in its name and bytes: the refusal quotes it as text.
  await gotoLab(page, '#lab=cnn');
  await page.click('#export');
  await page.setInputFiles('#import-weights', { name: `${payload}.safetensors`, mimeType: 'application/octet-stream', buffer: Buffer.from(payload) });
  await page.waitForFunction(() => /Could not/.test(document.getElementById('import-status').textContent));
  assert.ok((await page.textContent('#import-status')).includes('<img src=x'));
  assert.equal(await page.$$eval('.sheet img, .sheet [onerror]', (e) => e.length), 0);
  assert.equal(await page.evaluate(() => '__pwned' in window), false);
  assertNoProblems(problems);
  await context.close();
});
