// A lab embedded in a blog on another origin: the blog's page holds two labs in 600 px
// frames. The Run button is in view without scrolling at 360 and 720 px wide; a run inside
// the frame trains; Share inside the frame gives the experiment's address, not the blog's;
// autoplay waits until the frame is seen and pauses while it is scrolled away; the height
// message reaches the host only when asked for. And the Embed sheet's snippet is that page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { launch, openPage, gotoLab, assertNoProblems, ensureDir, SCREENSHOTS, BASE } from './helpers.mjs';
import path from 'node:path';

const CNN = 'lab=cnn&seed=2&epochs=1&batch_size=64&train_size=256';
const LONG = 'lab=cnn&seed=3&epochs=2&train_size=12000';
const KNN = 'lab=knn&n_samples=2000&n_neighbors=5';

let browser, blog;

/** A blog on its own origin (another port): prose, two frames, and a listener for heights. */
function blogPage(frames) {
  const body = frames.map((f) => `<p>${'Some prose about machine learning. '.repeat(f.before || 3)}</p>
<iframe id="${f.id}" src="${f.src}" title="lab" style="width:100%;height:600px;border:1px solid #ccc" allow="clipboard-write"></iframe>`).join('\n');
  return `<!doctype html><html><head><meta name="viewport" content="width=device-width"><title>blog</title></head>
<body style="margin:0 8px;font-family:serif">${body}<p>The end.</p>
<script>window.heights = []; addEventListener('message', (e) => { if (e.data && e.data.type === 'mlpad:height') heights.push({ origin: e.origin, height: e.data.height }); });</script>
</body></html>`;
}

before(async () => {
  browser = await launch();
  const pages = new Map();
  const server = http.createServer((req, res) => {
    const html = pages.get(new URL(req.url, 'http://x').pathname);
    if (!html) { res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end(); return; }
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  // `localhost` is another origin than the playground's 127.0.0.1, whatever the ports.
  blog = { server, pages, base: `http://localhost:${server.address().port}` };
});
after(async () => {
  if (browser) await browser.close();
  if (blog) await new Promise((r) => blog.server.close(r));
});

/** Serves `frames` as a blog post and opens it at `width` px. */
async function openBlog(name, frames, width) {
  blog.pages.set(`/${name}`, blogPage(frames));
  const opened = await openPage(browser, { viewport: { width, height: 800 }, allowHosts: ['localhost'] });
  await opened.page.goto(`${blog.base}/${name}`);
  return opened;
}

/** The frame with id `id`, once its lab is drawn. */
async function frameOf(page, id) {
  const frame = await (await page.$(`#${id}`)).contentFrame();
  await frame.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
  return frame;
}

for (const width of [360, 720]) {
  test(`at ${width} px: Run is in view in a 600 px frame, it trains, and Share inside gives the experiment's link`, { timeout: 120_000 }, async () => {
    const { page, problems, context } = await openBlog(`post-${width}`, [
      { id: 'lab1', src: `${BASE}?embed=1#${CNN}`, before: 1 },
      { id: 'lab2', src: `${BASE}?embed=1#${KNN}`, before: 2 },
    ], width);
    const frame = await frameOf(page, 'lab1');
    await frameOf(page, 'lab2');
    assert.equal(await frame.evaluate(() => document.body.classList.contains('embed')), true);
    // The Run button lies inside the frame's 600 px without scrolling it.
    const run = await frame.$eval('#run', (b) => { const r = b.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, h: innerHeight, w: innerWidth }; });
    assert.ok(run.top >= 0 && run.bottom <= run.h, `Run at ${run.top}–${run.bottom} of ${run.h}`);
    // Nothing wider than the frame; the essentials shown, the rest behind "More settings".
    assert.equal(await frame.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true, 'horizontal overflow in the frame');
    assert.equal(await frame.isVisible('[name="epochs"]'), true);
    assert.equal(await frame.isVisible('[name="seed"]'), false);
    await frame.click('.more-settings summary');
    assert.equal(await frame.isVisible('[name="seed"]'), true);
    // Nothing started by itself.
    assert.equal(await frame.evaluate(() => window.__mlpad.sent.some((m) => m.type === 'start')), false);
    await frame.click('#run');
    await frame.waitForFunction(() => window.__mlpad.messages.some((m) => m.type === 'summary'), null, { timeout: 60_000 });
    const summary = await frame.evaluate(() => window.__mlpad.messages.find((m) => m.type === 'summary').summary);
    assert.equal(summary.status, 'finished');
    assert.equal(await frame.textContent('#weights-sha256'), summary.weights_sha256);
    // Share inside the frame: the playground's address of this experiment.
    await frame.click('#share');
    const link = await frame.inputValue('#share-url');
    assert.equal(link, `${BASE}#${summary.link.slice(1)}`);
    assert.ok(!link.includes('localhost') && !link.includes('embed=1'), link);
    // Copy works or, where the frame may not use the clipboard, leaves the text selected.
    await frame.click('.copy-row button');
    await frame.waitForFunction(() => document.querySelector('.copy-status').textContent.length > 0);
    const selected = await frame.evaluate(() => { const f = document.getElementById('share-url'); return f.selectionEnd - f.selectionStart === f.value.length && document.activeElement === f; });
    assert.ok(selected, 'the link is not selected for copying by hand');
    await page.keyboard.press('Escape');
    // "Open in the full playground" leads to the experiment, in a new tab.
    assert.equal(await frame.getAttribute('#open-full', 'href'), `${BASE}#${summary.link.slice(1)}`);
    assert.equal(await frame.getAttribute('#open-full', 'target'), '_blank');
    await page.screenshot({ path: path.join(ensureDir(SCREENSHOTS), `embed-${width}.png`) });
    assertNoProblems(problems);
    await context.close();
  });
}

test('autoplay starts once the frame is seen, pauses while it is scrolled away, and the height goes to the host only when asked', { timeout: 120_000 }, async () => {
  const { page, problems, context } = await openBlog('autoplay', [
    { id: 'top', src: `${BASE}?embed=1#${KNN}`, before: 1 },
    { id: 'late', src: `${BASE}?embed=1&autoplay=1&resize=1#${LONG}`, before: 400 },
  ], 720);
  const frame = await frameOf(page, 'late');
  await frameOf(page, 'top');
  const started = () => frame.evaluate(() => window.__mlpad.sent.filter((m) => m.type === 'start').length);
  await page.waitForTimeout(800);
  assert.equal(await started(), 0, 'autoplay started before the frame was seen');
  await page.$eval('#late', (f) => f.scrollIntoView());
  await frame.waitForFunction(() => window.__mlpad.messages.some((m) => m.type === 'progress' && m.progress.phase === 'train'), null, { timeout: 60_000 });
  assert.equal(await started(), 1);
  // Scrolled away mid-run: paused; back: resumed.
  await page.evaluate(() => scrollTo(0, 0));
  const away = Date.now();
  await frame.waitForFunction(() => window.__mlpad.sent.some((m) => m.type === 'pause'), null, { timeout: 30_000, polling: 100 });
  console.log(`paused ${Date.now() - away} ms after the frame left the view`);
  // (Polled by time: an off-screen frame gets no animation frames.)
  assert.equal(await frame.textContent('#pause'), 'Resume');
  await page.$eval('#late', (f) => f.scrollIntoView());
  await frame.waitForFunction(() => window.__mlpad.sent.some((m) => m.type === 'resume'), null, { timeout: 30_000, polling: 100 });
  await frame.click('#reset');
  // Only the frame that asked sends its height, and only a number.
  const heights = await page.evaluate(() => window.heights);
  assert.ok(heights.length > 0, 'no height message');
  assert.ok(heights.every((h) => h.origin === new URL(BASE).origin && Number.isInteger(h.height) && h.height > 300), JSON.stringify(heights));
  const top = await (await page.$('#top')).contentFrame();
  assert.equal(await top.evaluate(() => window.__mlpad.sent.some((m) => m.type === 'start')), false, 'the frame without autoplay started');
  assertNoProblems(problems);
  await context.close();
});

test('with reduced motion, autoplay waits for the reader', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage(browser, { viewport: { width: 720, height: 600 } });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await gotoLab(page, `#${CNN}`, '?embed=1&autoplay=1');
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => window.__mlpad.sent.some((m) => m.type === 'start')), false);
  assertNoProblems(problems);
  await page.context().close();
});

test('the Embed sheet gives an iframe of this experiment and previews it', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage(browser);
  const parsed = await gotoLab(page, `#${CNN}`);
  await page.click('#embed');
  const code = await page.inputValue('#embed-code');
  const src = /src="([^"]+)"/.exec(code)[1].replace(/&amp;/g, '&');
  assert.equal(src, `${BASE}?embed=1#${parsed.canonical}`);
  assert.match(code, /height="\d{3}"/);
  await page.check('#embed-autoplay');
  await page.check('#embed-resize');
  const both = await page.inputValue('#embed-code');
  assert.match(both, /\?embed=1&amp;autoplay=1&amp;resize=1#/);
  assert.match(both, /mlpad:height/);
  // The preview is the embed itself, at a phone's width.
  const preview = await (await page.$('#embed-preview')).contentFrame();
  await preview.waitForSelector('#run');
  assert.equal(await preview.evaluate(() => document.body.classList.contains('embed') && innerWidth), 360);
  assertNoProblems(problems);
  await page.context().close();
});
