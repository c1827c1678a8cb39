// A self-contained page beside the clips: play each one, read why it was picked.
import type { Manifest } from '../core/schemas.ts';

/** "German" for "de", in English; the code itself where the runtime has no name for it. */
const languageName = (code: string): string => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const attr = (path: string) => escapeHtml(encodeURI(path));
const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

export function reportHtml(m: Manifest): string {
  const cards = m.clips
    .map(
      (c) => `
    <article class="clip">
      <video controls preload="metadata" playsinline poster="${attr(c.thumbnail)}" src="${attr(c.file)}">
        <track kind="captions" srclang="en" label="Captions" src="${attr(c.vtt)}">
      </video>
      <div class="meta">
        <div class="row"><span class="rank">#${c.rank}</span><span class="score">${c.score.toFixed(0)}</span></div>
        <h2>${escapeHtml(c.title)}</h2>
        <p class="reason">${escapeHtml(c.reason)}</p>
        <p class="times">${clock(c.start)}–${clock(c.end)} · ${c.duration.toFixed(1)} s${c.crop.fallback ? ` · centre crop: ${escapeHtml(c.crop.fallback)}` : ''}</p>
        <details><summary>Transcript</summary><p>${escapeHtml(c.text)}</p></details>
        <p class="links"><a download href="${attr(c.file)}">MP4</a> <a download href="${attr(c.srt)}">SRT</a> <a download href="${attr(c.vtt)}">VTT</a></p>
      </div>
    </article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>clipforge — ${escapeHtml(m.source.path)}</title>
<style>
  :root { color-scheme: dark; font-family: system-ui, sans-serif; background: #111; color: #eee; }
  body { margin: 0 auto; max-width: 1200px; padding: 1.5rem; }
  header p { color: #aaa; margin: .25rem 0 1.5rem; }
  .grid { display: grid; gap: 1.5rem; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); }
  .clip { background: #1c1c1c; border-radius: 12px; overflow: hidden; }
  video { width: 100%; aspect-ratio: 9 / 16; background: #000; display: block; }
  .meta { padding: .75rem 1rem 1rem; }
  .row { display: flex; justify-content: space-between; font-weight: 700; }
  .score { background: #ffd400; color: #111; border-radius: 999px; padding: 0 .6rem; }
  h2 { font-size: 1.05rem; margin: .5rem 0; }
  .reason, .times { color: #bbb; font-size: .9rem; }
  a { color: #ffd400; margin-right: .75rem; }
</style>
</head>
<body>
<header>
  <h1>${m.clips.length} clips from ${escapeHtml(m.source.path)}</h1>
  <p>${m.source.width}x${m.source.height}, ${clock(m.source.duration)} · transcribed by ${escapeHtml(m.usage.transcriber)}${m.source.language ? ` (${escapeHtml(languageName(m.source.language))})` : ''} · scored by ${escapeHtml(m.usage.scorer)}</p>
</header>
<main class="grid">${cards}
</main>
</body>
</html>
`;
}
