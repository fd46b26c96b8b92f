// The wasm build (run in Node, no browser) and the native CLI must give bit-identical
// weights and the same test accuracy for the same link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = process.env.MLPAD_CLI || path.join(root, 'target/release/mlpad');

test('wasm (Node) and native runs of one link give identical weights', async () => {
  const mlpad = await import(path.join(root, 'pkg/mlpad.js'));
  await mlpad.default({ module_or_path: fs.readFileSync(path.join(root, 'pkg/mlpad_bg.wasm')) });
  const files = mlpad.asset_manifest().datasets.mnist;
  const read = (k) => fs.readFileSync(path.join(root, 'www/data', files[k].file));
  const data = mlpad.Dataset.decode('mnist', read('train_images'), read('train_labels'), read('test_images'), read('test_labels'));
  const link = '#lab=cnn&seed=11&epochs=2&batch_size=50&learning_rate=0.002&train_size=400';
  const lab = new mlpad.Lab(link, data);
  let snap;
  do {
    snap = lab.step(7);
  } while (!snap.done);
  const lines = execFileSync(cli, ['run', link], { encoding: 'utf8' }).trim().split('\n');
  const summary = JSON.parse(lines.at(-1));
  assert.equal(summary.type, 'summary');
  assert.equal(lab.weights_sha256(), summary.weights_sha256);
  assert.equal(snap.test_accuracy, summary.test_accuracy);
});
