// The wasm build (run in Node, no browser) and the native CLI give the same summary for
// the same link: weights bit for bit, metrics and report. The wasm run steps by the clock,
// as the page's worker does (`lab.step()`), so its chunks differ from the CLI's; the
// per-batch losses must still be the same sequence. (Every golden link is replayed in
// golden_wasm.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasmCore, wasmStore, cliRun, assertSameSummary, slim, jsonish } from './helpers.mjs';

test('wasm (Node) and native runs of one link give the same summary', { timeout: 120_000 }, async () => {
  const mlpad = await wasmCore();
  const store = wasmStore(mlpad, ['mnist']);
  const link = '#lab=cnn&seed=11&epochs=2&batch_size=50&learning_rate=0.002&train_size=400';
  assert.deepEqual([...mlpad.lab_datasets(link)], ['mnist']);
  const lab = new mlpad.Lab(link, store);
  const info = lab.info();
  const steps = [];
  for (;;) {
    const p = lab.step();
    steps.push(p);
    if (p.done) break;
  }
  const summary = lab.summary();
  lab.free();
  const cli = cliRun(link);
  assert.equal(cli.status, 0);
  assert.equal(info.param_count, cli.summary.param_count);
  // The page's instrument keeps a slimmed report; here the whole report is compared too.
  assertSameSummary({ ...summary, report: slim(summary.report) }, cli.summary);
  assert.deepEqual(jsonish(summary.report), jsonish(cli.summary.report));
  const losses = (lines) => lines.filter((l) => l.phase === 'train').flatMap((l) => l.payload.losses);
  const wasmLosses = losses(steps);
  assert.equal(wasmLosses.length, 16, 'one loss per batch: 2 epochs of 8');
  assert.deepEqual(jsonish(wasmLosses), jsonish(losses(cli.lines.filter((l) => l.type === 'progress'))));
});
