// Static hosts differ: some send the bundled .gz data with `Content-Encoding: gzip`, so the
// browser inflates it before the worker sees it; and a page may live under any path. The page
// must train the same either way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { launch, openPage, messages, waitForDone, assertNoProblems, ROOT } from './helpers.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.json': 'application/json' };
const PREFIX = '/blog/2026/mlpad/';
const HASH = '#lab=cnn&seed=8&epochs=1&batch_size=64&learning_rate=0.001&train_size=256';
let browser, server, base;

before(async () => {
  browser = await launch();
  server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!pathname.startsWith(PREFIX)) {
      res.writeHead(404).end();
      return;
    }
    const rel = pathname.slice(PREFIX.length) || 'index.html';
    const file = path.join(ROOT, rel);
    if (!file.startsWith(ROOT + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const body = fs.readFileSync(file);
    const headers = { 'Content-Length': body.length, 'Cache-Control': 'no-store' };
    if (file.endsWith('.gz')) {
      headers['Content-Type'] = 'application/octet-stream';
      headers['Content-Encoding'] = 'gzip';
    } else {
      headers['Content-Type'] = TYPES[path.extname(file)] || 'application/octet-stream';
    }
    res.writeHead(200, headers).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}${PREFIX}`;
});
after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((r) => server.close(r));
});

test('a host under a sub-path that sends the data with Content-Encoding: gzip trains the same run', { timeout: 120_000 }, async () => {
  const shas = [];
  for (const url of [base, process.env.MLPAD_URL || 'http://127.0.0.1:8765/']) {
    const { page, problems } = await openPage(browser);
    await page.goto(url + HASH);
    await page.waitForSelector('[name="seed"]');
    if (url === base) {
      // The condition under test holds: the browser hands over inflated bytes.
      const file = 'www/data/mnist-test-labels-idx1-ubyte.gz';
      const got = await page.evaluate(async (f) => (await (await fetch(f)).arrayBuffer()).byteLength, file);
      assert.ok(got > fs.statSync(path.join(ROOT, file)).size, `the browser did not inflate ${file} (${got} bytes)`);
    }
    await page.click('#train');
    shas.push(await waitForDone(page));
    for (const m of await messages(page, 'data-progress')) assert.ok(m.loaded <= m.total, `data progress ${m.loaded} of ${m.total} at ${url}`);
    const bar = await page.$eval('#progress', (p) => p.value / p.max);
    assert.ok(bar <= 1);
    assertNoProblems(problems);
    await page.context().close();
  }
  assert.equal(shas[0], shas[1], 'inflated and gzip data gave other weights');
});
