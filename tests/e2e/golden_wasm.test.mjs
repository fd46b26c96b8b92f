// Every golden link (tests/golden/links.json, recorded with the CLI before the labs moved to
// one protocol) gives the same numbers and weights, bit for bit, in the wasm build run in
// Node: the same check tests/golden_links.rs makes natively. Recorded summary keys are
// looked up in today's summary `report`, then `metrics`, then the summary itself; the
// recorded one-vs-rest curves were point counts; recorded epoch lines are compared with
// `report.epochs`; the diverging link's recorded error is today's `stopped.message`.
// Work is split in odd chunks (a different size per link): results must not depend on it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, wasmCore, wasmStore, wasmRun, jsonish } from './helpers.mjs';

const GOLDEN = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/golden/links.json'), 'utf8')).links;
/**
 * Recorded figures a lab no longer reports, on purpose (as in tests/golden_links.rs): the
 * augmentation lab's sparsity of its first kernel.
 */
const RETIRED = [['augmentation', 'near_zero']];

let mlpad, store;
before(async () => {
  mlpad = await wasmCore();
  store = wasmStore(mlpad);
});

/** A recorded value's place in today's summary: the report first, then the metrics, then the summary. */
function lookup(summary, key) {
  for (const place of [summary.report, summary.metrics, summary]) {
    if (place && typeof place === 'object' && Object.hasOwn(place, key)) return { found: true, value: place[key] };
  }
  return { found: false };
}

const same = (a, b) => {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
};
const show = (v) => JSON.stringify(v)?.slice(0, 200);

/** The differences between a recorded summary and today's (empty when they agree). */
/**
 * True when link `now` is link `then` plus settings added since, at their defaults (which
 * describe the recorded run).
 */
function extendsWithDefaults(schema, now, then) {
  if (typeof now !== 'string' || !now.startsWith(then)) return false;
  const spec = schema.find((l) => l.id === /lab=(\w+)/.exec(now)[1]);
  return now.slice(then.length).split('&').filter(Boolean).every((pair) => {
    const [key, value = ''] = pair.split('=');
    const param = spec?.params.find((p) => p.name === key);
    return param && String(param.default ?? '') === value;
  });
}

function differences(old, now, schema) {
  const out = [];
  for (const [key, want] of Object.entries(old)) {
    // Where the run came from, not what it gave (the link is checked apart).
    if (['lab', 'link', 'seed'].includes(key)) continue;
    if (key === 'one_vs_rest') {
      // The recorded one-vs-rest view had its curves as point counts.
      const got = now.report.one_vs_rest;
      for (const [k, w] of Object.entries(want)) {
        const g = k === 'roc_points' ? got.roc_curve?.fpr?.length ?? 0
          : k === 'pr_points' ? got.pr_curve?.precision?.length ?? 0
            : got[k];
        if (!same(g, w)) out.push(`one_vs_rest.${k}: recorded ${show(w)}, now ${show(g)}`);
      }
      continue;
    }
    const got = lookup(now, key);
    if (got.found && key.endsWith('link') && extendsWithDefaults(schema, got.value, want)) continue;
    if (!got.found || !same(got.value, want)) out.push(`${key}: recorded ${show(want)}, now ${got.found ? show(got.value) : 'missing'}`);
  }
  return out;
}

test('the golden table covers every lab the page draws', () => {
  const labs = new Set(GOLDEN.map((e) => /lab=(\w+)/.exec(e.link)[1]));
  for (const id of ['cnn', 'gradients', 'regularization', 'augmentation', 'metrics', 'knn']) assert.ok(labs.has(id), id);
  assert.ok(GOLDEN.some((e) => e.error), 'a diverging link');
  assert.ok(GOLDEN.some((e) => /lab=metrics&model=/.test(e.link)), 'old model-evaluation links (now the evaluate lab)');
});

test('every golden link replays bit for bit in the wasm build', { timeout: 600_000 }, async (t) => {
  const failures = [];
  for (const [i, entry] of GOLDEN.entries()) {
    const link = entry.link;
    const parsed = mlpad.parse_link(link);
    assert.deepEqual(parsed.errors, [], `${link}: a golden link has errors`);
    const units = 3 + 4 * i; // odd, different per link
    const started = performance.now();
    const run = wasmRun(mlpad, store, link, units, (lab) => (entry.summary ? lab.same_run(entry.summary.link) : null));
    t.diagnostic(`${((performance.now() - started) / 1000).toFixed(1)} s, ${run.steps.length} steps of ${units}: ${link}`);
    const now = jsonish(run.summary);
    // The envelopes: only the last one is done, the share of work never goes back.
    run.steps.forEach((p, j) => assert.equal(p.done, j === run.steps.length - 1, `${link}: step ${j} done`));
    for (let j = 1; j < run.steps.length; j++) assert.ok(run.steps[j].fraction >= run.steps[j - 1].fraction, `${link}: fraction went back`);
    assert.equal(now.lab, parsed.lab, link);
    assert.equal(now.link, `#${parsed.canonical}`, link);

    if (entry.error) {
      assert.equal(now.status, 'diverged', link);
      assert.equal(now.stopped.reason, 'diverged', link);
      assert.equal(now.stopped.message, entry.error, link);
      assert.ok(run.steps.at(-1).stopped, `${link}: the last envelope says why it stopped`);
      continue;
    }
    assert.equal(now.status, 'finished', link);
    assert.equal(run.steps.at(-1).fraction, 1, link);
    const old = entry.summary;
    // The link the page showed then still opens without a complaint, as the same run.
    const reopened = mlpad.parse_link(old.link);
    assert.deepEqual(reopened.errors, [], `${old.link}`);
    assert.equal(run.inspected, true, `${old.link} describes another run`);
    if (old.lab === now.lab && old.lab !== 'metrics') {
      // Today's canonical link is the recorded one plus settings added since, at their
      // defaults (which give the recorded run).
      assert.ok(extendsWithDefaults(mlpad.labs_schema(), now.link, old.link), `${link}: ${now.link} does not extend ${old.link}`);
    }

    const diffs = differences(old, now, mlpad.labs_schema());
    if (entry.epochs) {
      const records = now.report.epochs;
      assert.equal(records.length, entry.epochs.length, link);
      entry.epochs.forEach((want, j) => {
        for (const [k, w] of Object.entries(want)) {
          if (RETIRED.some(([lab, key]) => lab === parsed.lab && key === k)) continue;
          const g = Object.hasOwn(records[j], k) ? records[j][k] : null;
          if (!same(g, w)) diffs.push(`epoch ${want.epoch}: ${k} recorded ${show(w)}, now ${show(g)}`);
        }
      });
    }
    if (diffs.length) failures.push(`${link}\n  ${diffs.join('\n  ')}`);
  }
  assert.deepEqual(failures, [], `golden links changed:\n${failures.join('\n')}`);
});
