// Number formats the views share, in the page's language (set by the shell), not the
// browser's: a Chinese page on an English system still reads 1,234 and 3 分 4 秒.

let locale = 'en';
let zh = false;

/** Sets the language numbers and units are written in ('en' or 'zh'). */
export function setNumberLang(lang) {
  zh = lang === 'zh';
  locale = zh ? 'zh-CN' : 'en';
}

/** A number with the language's digit grouping (and `opts` of toLocaleString). */
export const num = (v, opts) => Number(v).toLocaleString(locale, opts);

/** Seconds as "12 s" or "3 min 4 s". */
export function fmtTime(s) {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return zh ? `${Math.ceil(s)} 秒` : `${Math.ceil(s)} s`;
  return zh ? `${Math.floor(s / 60)} 分 ${Math.round(s % 60)} 秒` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
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
