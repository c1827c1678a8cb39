// The Edit view of one clip: its words and a few sentences around it, the clip's range marked
// with edges that drag (or move by a sentence with the buttons), a click on a word to correct or
// hide it, the look and framing choices, Render (PATCH, progress over the WebSocket) and "New
// clip from this range" (POST). Every control is a button, select or field: keyboard usable.
const $ = (sel, root) => root.querySelector(sel);
const SENTENCE_END = /[.!?…。！？।]["')\]」』）]*$/;
/** Sentences of context shown on each side of the clip. */
const CONTEXT_SENTENCES = 3;

function sentenceStart(words, i) {
  while (i > 0 && !SENTENCE_END.test(words[i - 1].w)) i--;
  return i;
}
function sentenceEnd(words, i) {
  while (i < words.length - 1 && !SENTENCE_END.test(words[i].w)) i++;
  return i;
}
/** The edge moved to the next sentence edge: `by` -1 earlier, +1 later (a mid-sentence edge goes to its own sentence's edge first). */
export function moveEdge(words, state, edge, by) {
  if (edge === 'start') {
    const s = sentenceStart(words, state.first);
    if (by < 0) state.first = s < state.first ? s : sentenceStart(words, Math.max(0, s - 1));
    else state.first = Math.min(state.last, sentenceEnd(words, state.first) + 1);
  } else {
    const e = sentenceEnd(words, state.last);
    if (by > 0) state.last = e > state.last ? e : sentenceEnd(words, Math.min(words.length - 1, state.last + 1));
    else state.last = Math.max(state.first, sentenceStart(words, state.last) - 1);
  }
}

/**
 * Opens the editor for `clip` (a job detail's clip) under `card`. `ctx`: { api, jobId, transcript,
 * output (the job's look), onTicket(ticket) }.
 */
export function openEditor(card, clip, ctx) {
  card.parentElement.querySelector(`.editor[data-rank="${clip.rank}"]`)?.remove();
  const el = document.getElementById('editor-tpl').content.firstElementChild.cloneNode(true);
  el.dataset.rank = String(clip.rank);
  el.setAttribute('aria-label', `Edit clip ${clip.rank}`);
  $('.editor-title', el).textContent = `Edit clip #${clip.rank}`;
  const { words } = ctx.transcript;
  const kept = ctx.transcript.clips.find((c) => c.rank === clip.rank);
  const state = { first: kept.first, last: kept.last, fixes: new Map(), fixing: undefined };
  for (const c of kept.corrections) state.fixes.set(c.from, { to: c.to, text: c.text, kept: true });
  const look = clip.look || ctx.output;
  $('.e-title', el).value = clip.title;
  $('.e-aspect', el).value = look.aspect;
  $('.e-layout', el).value = look.layout;
  $('.e-style', el).value = look.captionStyle;
  $('.e-hook', el).checked = look.hookTitle;
  // The people the tracker saw in the clip, as choices to follow.
  const crop = $('.e-framing', el);
  const where = (x) => (x < 0.4 ? 'left' : x > 0.6 ? 'right' : 'centre');
  for (const p of kept.people || []) {
    const o = document.createElement('option');
    o.value = `follow:${p.x},${p.y}`;
    o.textContent = `follow the person ${where(p.x)} (seen in ${Math.round(p.share * 100)}%)`;
    crop.insertBefore(o, crop.querySelector('option[value^="pin:"]'));
  }

  const box = $('.words', el);
  function shown(i) {
    const f = state.fixes.get(i);
    if (f) return f.text === '' ? `(${words[i].w})` : f.text;
    for (const [from, g] of state.fixes) if (i > from && i <= g.to) return null; // inside a multi-word correction
    return words[i].w;
  }
  function draw() {
    box.replaceChildren();
    let from = state.first;
    let to = state.last;
    for (let k = 0; k < CONTEXT_SENTENCES; k++) from = sentenceStart(words, Math.max(0, from - 1));
    for (let k = 0; k < CONTEXT_SENTENCES; k++) to = sentenceEnd(words, Math.min(words.length - 1, to + 1));
    for (let i = from; i <= to; i++) {
      if (i === state.first) box.append(edgeMark('start'));
      const text = shown(i);
      if (text !== null) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'word';
        b.dataset.i = String(i);
        b.textContent = text;
        b.title = `${words[i].start.toFixed(2)} s`;
        b.classList.toggle('in', i >= state.first && i <= state.last);
        b.classList.toggle('fixed', state.fixes.has(i));
        b.classList.toggle('hidden-word', state.fixes.get(i)?.text === '');
        b.addEventListener('click', () => startFix(i));
        b.addEventListener('dragover', (e) => e.preventDefault());
        b.addEventListener('drop', (e) => {
          e.preventDefault();
          const edge = e.dataTransfer.getData('text/plain');
          if (edge === 'start') state.first = Math.min(i, state.last);
          if (edge === 'end') state.last = Math.max(i, state.first);
          draw();
        });
        box.append(b);
      }
      if (i === state.last) box.append(edgeMark('end'));
    }
    const secs = words[state.last].end - words[state.first].start;
    $('.e-range', el).textContent = `${words[state.first].start.toFixed(1)}–${words[state.last].end.toFixed(1)} s · about ${Math.round(secs)} s`;
  }
  function edgeMark(edge) {
    const m = document.createElement('span');
    m.className = `edge ${edge}`;
    m.textContent = edge === 'start' ? '⟦' : '⟧';
    m.draggable = true;
    m.title = `Drag onto a word to move the clip's ${edge}`;
    m.addEventListener('dragstart', (e) => e.dataTransfer.setData('text/plain', edge));
    return m;
  }
  function startFix(i) {
    state.fixing = i;
    const fix = $('.fix', el);
    fix.hidden = false;
    $('.fix-word', el).textContent = words[i].w;
    const input = $('.fix-text', el);
    input.value = state.fixes.get(i)?.text ?? words[i].w;
    input.focus();
    input.select();
  }
  function applyFix(text) {
    const i = state.fixing;
    if (i === undefined) return;
    if (text === words[i].w && !state.fixes.get(i)?.kept) state.fixes.delete(i);
    else state.fixes.set(i, { to: state.fixes.get(i)?.to ?? i, text });
    state.fixing = undefined;
    $('.fix', el).hidden = true;
    draw();
  }
  $('.fix-ok', el).addEventListener('click', () => applyFix($('.fix-text', el).value.trim()));
  $('.fix-text', el).addEventListener('keydown', (e) => e.key === 'Enter' && (e.preventDefault(), applyFix(e.target.value.trim())));
  $('.fix-hide', el).addEventListener('click', () => applyFix(''));
  for (const b of el.querySelectorAll('[data-move]')) {
    b.addEventListener('click', () => {
      const [edge, by] = b.dataset.move.split(':');
      moveEdge(words, state, edge, Number(by));
      draw();
    });
  }

  function lookChanges() {
    const out = {};
    const now = { aspect: $('.e-aspect', el).value, layout: $('.e-layout', el).value, captionStyle: $('.e-style', el).value, hookTitle: $('.e-hook', el).checked };
    for (const k of Object.keys(now)) if (now[k] !== look[k]) out[k] = now[k];
    return out;
  }
  function say(text) {
    $('.editor-error', el).textContent = text;
  }
  $('.render', el).addEventListener('click', async () => {
    say('');
    const body = { ...lookChanges() };
    if (state.first !== kept.first || state.last !== kept.last) Object.assign(body, { start: words[state.first].start, end: words[state.last].end });
    const corrections = [];
    for (const [from, f] of state.fixes) {
      const before = kept.corrections.find((c) => c.from === from);
      if (!before || before.text !== f.text || before.to !== f.to) corrections.push({ from, to: f.to, text: f.text });
    }
    if (corrections.length) body.corrections = corrections;
    const title = $('.e-title', el).value.trim();
    if (title && title !== clip.title) body.title = title;
    const framing = $('.e-framing', el).value;
    if (framing === 'auto' || framing === 'swap') body.framing = framing === 'swap' ? { swap: true } : 'auto';
    else if (framing.startsWith('pin:')) body.framing = { pin: { x: Number(framing.slice(4)), y: 0.5 } };
    else if (framing.startsWith('follow:')) {
      const [x, y] = framing.slice(7).split(',').map(Number);
      body.framing = { follow: { x, y } };
    }
    try {
      ctx.onTicket(await ctx.api('PATCH', `/jobs/${ctx.jobId}/clips/${clip.rank}`, body));
      el.remove();
    } catch (e) {
      say(e.message);
    }
  });
  $('.new-clip', el).addEventListener('click', async () => {
    say('');
    try {
      ctx.onTicket(await ctx.api('POST', `/jobs/${ctx.jobId}/clips`, { start: words[state.first].start, end: words[state.last].end, ...lookChanges() }));
      el.remove();
    } catch (e) {
      say(e.message);
    }
  });
  $('.close', el).addEventListener('click', () => el.remove());
  card.after(el);
  draw();
  $('.word.in', el)?.focus();
  return el;
}
