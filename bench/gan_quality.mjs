// The GAN lab's quality figure against steps and seconds in headless Chromium, and its
// steps per second, for the presets named on the command line (default: all three).
//
//   cargo xtask serve --port 8080 &     # the page
//   (cd bench && npm ci)                 # playwright-core, once
//   node bench/gan_quality.mjs http://127.0.0.1:8080/ fast collapse snippet
//
// It clicks a preset, presses Train and records every progress message of the page's
// worker with its arrival time; one JSON line per preset, then one line per figure.
import { chromium } from 'playwright-core';

const [base = 'http://127.0.0.1:8080/', ...named] = process.argv.slice(2);
const presets = named.length ? named : ['fast', 'collapse', 'snippet'];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
for (const preset of presets) {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    const Native = window.Worker;
    window.__steps = [];
    window.__figures = [];
    window.Worker = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          const m = e.data;
          if (m.type === 'progress' && m.progress.phase === 'train') {
            window.__steps.push({ at: performance.now(), step: m.progress.step, ms: m.ms });
            if (m.progress.payload.quality) window.__figures.push({ at: performance.now(), ...m.progress.payload.quality });
          }
          if (m.type === 'summary') window.__done = performance.now();
        });
      }
    };
  });
  await page.goto(`${base}#lab=gan`);
  await page.waitForSelector(`[data-preset="${preset}"]`);
  await page.click(`[data-preset="${preset}"]`);
  await page.waitForFunction(() => document.getElementById('run') && !document.getElementById('run').disabled);
  await page.click('#run');
  await page.waitForFunction(() => window.__done, null, { timeout: 900_000, polling: 1000 });
  const r = await page.evaluate(() => ({ steps: window.__steps, figures: window.__figures, done: window.__done }));
  const t0 = r.steps[0].at;
  const steps = r.steps.at(-1).step;
  const seconds = (r.done - t0) / 1000;
  const computing = r.steps.reduce((a, s) => a + s.ms, 0) / 1000;
  console.log(JSON.stringify({ preset, steps, seconds, steps_per_second: steps / seconds, steps_per_second_computing: steps / computing }));
  for (const f of r.figures) {
    console.log(JSON.stringify({ preset, step: f.step, seconds: (f.at - t0) / 1000, confident: f.confident, classes: f.classes, largest_share: f.largest_share, mode_collapse: f.mode_collapse }));
  }
  await page.close();
}
await browser.close();
