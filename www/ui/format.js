// Number formats the views share.

/** Seconds as "12 s" or "3 min 4 s". */
export function fmtTime(s) {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.ceil(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** A duration from microseconds to minutes. */
export function fmtSeconds(s) {
  if (s < 1e-3) return `${(s * 1e6).toFixed(0)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(s < 0.01 ? 2 : 1)} ms`;
  return s < 60 ? `${s.toFixed(1)} s` : fmtTime(s);
}

/** Bytes as kB or MB. */
export function fmtBytes(b) {
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  return `${(b / 1e3).toFixed(1)} kB`;
}

/** A fraction as a percentage with `digits` decimals. */
export const pct = (v, digits = 2) => `${(v * 100).toFixed(digits)}%`;

/** Four decimals, or an em dash for a missing value. */
export const fmt4 = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(4));
