// The chart's decimation (no browser needed): a long run's curve is drawn from at most two
// points per pixel column, and those keep every column's extremes and every gap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decimate } from '../../www/ui/chart.js';

test('decimation keeps two points per pixel column, the extremes and the gaps', () => {
  const n = 200_000;
  const points = Array.from({ length: n }, (_, i) => [i, Math.sin(i / 500) + (i % 7 === 0 ? 0.5 : 0)]);
  points[123_456][1] = NaN; // a broken step
  points[150_000][1] = 9; // a spike
  const width = 600;
  const X = (x) => (x / n) * width;
  const out = decimate(points, X, (y) => y);
  // (A gap splits its column in two, around the gap point.)
  assert.ok(out.length <= 2 * (width + 1) + 3, `${out.length} points for ${width} columns`);
  assert.ok(out.some((p) => p[1] === 9), 'the spike survives');
  assert.ok(out.some((p) => Number.isNaN(p[1])), 'the gap survives');
  const finite = points.filter((p) => Number.isFinite(p[1])).map((p) => p[1]);
  const max = finite.reduce((a, b) => Math.max(a, b));
  const min = finite.reduce((a, b) => Math.min(a, b));
  assert.equal(Math.max(...out.filter((p) => Number.isFinite(p[1])).map((p) => p[1])), max);
  assert.equal(Math.min(...out.filter((p) => Number.isFinite(p[1])).map((p) => p[1])), min);
  // In order along x.
  for (let i = 1; i < out.length; i++) assert.ok(out[i][0] >= out[i - 1][0]);
  // Short series are not touched by the chart (it only decimates above 2 points per pixel).
  assert.deepEqual(decimate([[0, 1], [1, 2]], (x) => x * 100, (y) => y), [[0, 1], [1, 2]]);
});
