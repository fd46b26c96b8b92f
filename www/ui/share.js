// Share and embed: the experiment's link (copied, or selectable where the clipboard is
// blocked, as in a cross-origin iframe), an <iframe> snippet with a preview, and the
// embedded page's own behaviour: start on Run (or when first seen, with autoplay=1),
// pause while scrolled out of view, and tell the host its height when asked to.
import { el } from './dom.js';
import { openSheet, copyField } from './dialog.js';

export const strings = {
  en: {
    share: 'Share',
    embed: 'Embed',
    share_title: 'Share this experiment',
    share_help: 'Anyone who opens this link gets these settings and, after pressing {run}, the same numbers and the same weights, bit for bit.',
    copy: 'Copy',
    copied_link: 'Copied. Paste it anywhere.',
    select_hint: 'This page may not use the clipboard here. The text is selected: press Ctrl+C (⌘C on a Mac) to copy it.',
    open_tab: 'Open in a new tab',
    close: 'Close',
    embed_title: 'Embed this lab in your page',
    embed_help: 'Paste this into your blog or notes. The frame shows the question, the most important settings and the Run button; readers can open the full playground from it.',
    embed_autoplay: 'Start training once the frame is scrolled into view (autoplay)',
    embed_resize: 'Let the frame tell my page its height (adds a short script)',
    embed_preview: 'Preview',
    embed_width: 'Width of the preview',
    embed_resize_note: 'The frame posts only {"type": "mlpad:height", "height": pixels} to your page, and only with this option.',
    more_settings: 'More settings',
    open_full: 'Open in the full playground ↗',
    frame_title: 'mlpad: {lab}',
  },
  zh: {
    share: '分享',
    embed: '嵌入',
    share_title: '分享这个实验',
    share_help: '任何人打开这个链接都会得到同样的设置；点击“{run}”后，得到的数字和权重与你的逐位相同。',
    copy: '复制',
    copied_link: '已复制，可以粘贴到任何地方。',
    select_hint: '此处网页无法使用剪贴板。文字已选中，请按 Ctrl+C（Mac 上按 ⌘C）复制。',
    open_tab: '在新标签页中打开',
    close: '关闭',
    embed_title: '把这个实验嵌入你的网页',
    embed_help: '把这段代码粘贴到你的博客或笔记里。框内显示问题、最重要的几项设置和运行按钮，读者也可以从中打开完整的实验场。',
    embed_autoplay: '框架滚动到可见位置时自动开始训练（autoplay）',
    embed_resize: '让框架把自身高度告诉我的网页（会多一小段脚本）',
    embed_preview: '预览',
    embed_width: '预览宽度',
    embed_resize_note: '只有勾选此项时，框架才会向你的网页发送消息，内容只有 {"type": "mlpad:height", "height": 像素数}。',
    more_settings: '更多设置',
    open_full: '在完整的实验场中打开 ↗',
    frame_title: 'mlpad：{lab}',
  },
};

const query = new URLSearchParams(location.search);
/** True when the page runs as an embed (`?embed=1`). */
export const embedded = query.get('embed') === '1';

/** The page's address without query or hash: where shared links point. */
const base = () => `${location.origin}${location.pathname}`;
/** The full-page link of an experiment. */
export const shareUrl = (canonical) => `${base()}#${canonical}`;
/** The embed address of an experiment. */
export function embedUrl(canonical, { autoplay = false, resize = false } = {}) {
  const q = ['embed=1', autoplay && 'autoplay=1', resize && 'resize=1'].filter(Boolean).join('&');
  return `${base()}?${q}#${canonical}`;
}

/** The <iframe> snippet (and the host script when `resize`). */
export function embedSnippet(canonical, title, opts = {}) {
  const src = embedUrl(canonical, opts);
  const id = `mlpad-${Math.abs(hash(canonical)).toString(36)}`;
  const attr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const frame = `<iframe id="${id}" src="${attr(src)}" title="${attr(title)}" width="100%" height="640" style="border:0;max-width:800px" loading="lazy" allow="clipboard-write"></iframe>`;
  if (!opts.resize) return frame;
  return `${frame}
<script>
  addEventListener('message', (e) => {
    if (e.origin !== ${JSON.stringify(location.origin)} || e.data?.type !== 'mlpad:height') return;
    const f = document.getElementById('${id}');
    if (f && e.source === f.contentWindow) f.style.height = Math.min(e.data.height, 4000) + 'px';
  });
</script>`;
}

function hash(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

/** The Share sheet: the link, Copy, and a new-tab link for when copying is blocked. */
export function openShare(shell) {
  const { tr } = shell;
  const url = shareUrl(shell.canonical());
  const c = copyField('share-url', url, { copy: tr('copy'), copied: tr('copied_link'), selectHint: tr('select_hint') });
  const open = el('a', { href: url, target: '_blank', rel: 'noopener', id: 'share-open' }, tr('open_tab'));
  openSheet(tr('share_title'), tr('close'),
    el('p', { class: 'muted' }, tr('share_help', { run: tr(shell.runLabel()) })),
    c.row, c.status, el('p', {}, open));
  c.button.focus();
}

/** The Embed sheet: options, the snippet and a live preview at a phone's or a column's width. */
export function openEmbed(shell) {
  const { tr } = shell;
  const title = tr('frame_title', { lab: shell.labTitle() });
  const autoplay = el('input', { type: 'checkbox', id: 'embed-autoplay' });
  const resize = el('input', { type: 'checkbox', id: 'embed-resize' });
  const c = copyField('embed-code', '', { copy: tr('copy'), copied: tr('copied_link'), selectHint: tr('select_hint'), rows: 4 });
  const width = el('select', { id: 'embed-width' }, new Option('360 px', '360'), new Option('720 px', '720'));
  const frame = el('iframe', { id: 'embed-preview', title, loading: 'lazy' });
  const note = el('p', { class: 'muted', hidden: true }, tr('embed_resize_note'));
  const update = () => {
    const opts = { autoplay: autoplay.checked, resize: resize.checked };
    c.field.value = embedSnippet(shell.canonical(), title, opts);
    c.field.rows = opts.resize ? 10 : 4;
    note.hidden = !opts.resize;
  };
  const preview = () => {
    frame.style.width = `${width.value}px`;
    // Never autoplay in the preview: the reader's own run goes on in this page.
    frame.src = embedUrl(shell.canonical());
  };
  autoplay.addEventListener('change', update);
  resize.addEventListener('change', update);
  width.addEventListener('change', preview);
  update();
  preview();
  openSheet(tr('embed_title'), tr('close'),
    el('p', { class: 'muted' }, tr('embed_help')),
    el('label', { class: 'check' }, autoplay, ' ', tr('embed_autoplay')),
    el('label', { class: 'check' }, resize, ' ', tr('embed_resize')),
    c.row, c.status, note,
    el('div', { class: 'embed-preview-head' },
      el('h3', {}, tr('embed_preview')),
      el('label', { for: 'embed-width' }, tr('embed_width')), width),
    el('div', { class: 'embed-preview' }, frame));
  c.button.focus();
}

/**
 * The embedded page's behaviour. `shell.start()` runs, `shell.pause(bool)` pauses or
 * resumes; `shell.phase()` says where the run is.
 */
export function setupEmbed(shell) {
  if (!embedded) return;
  document.body.classList.add('embed');
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  // With reduced motion nothing starts by itself: the reader presses Run.
  let autoplay = query.get('autoplay') === '1' && !reduced;
  let pausedByScroll = false;
  new IntersectionObserver((entries) => {
    const visible = entries.some((e) => e.isIntersecting);
    const phase = shell.phase();
    if (visible && autoplay && phase === 'idle') {
      autoplay = false;
      shell.start();
    } else if (!visible && phase === 'running') {
      pausedByScroll = true;
      shell.pause(true);
    } else if (visible && pausedByScroll && phase === 'paused') {
      pausedByScroll = false;
      shell.pause(false);
    }
  }).observe(document.getElementById('app'));
  if (query.get('resize') === '1' && window.parent !== window) {
    let last = 0;
    new ResizeObserver(() => {
      const height = Math.ceil(document.documentElement.scrollHeight);
      if (height === last) return;
      last = height;
      // Only a number leaves the frame, so any host may read it.
      window.parent.postMessage({ type: 'mlpad:height', height }, '*');
    }).observe(document.body);
  }
}
