// The clipforge web page: upload (drag and drop, with progress), live stage progress over the
// WebSocket, the clip gallery, its Edit view (editor.js) and re-renders' progress. Plain
// modules, no build step.
import { openEditor } from '/editor.js';

const STAGES = ['ingest', 'transcribe', 'score', 'track', 'render', 'finalize'];
const $ = (sel, root = document) => root.querySelector(sel);

const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) {
  localStorage.setItem('clipforge-token', fromHash);
  history.replaceState(null, '', location.pathname);
}
const token = localStorage.getItem('clipforge-token') || '';
const authHeaders = token ? { authorization: `Bearer ${token}` } : {};

const jobs = new Map(); // jobId -> { data, el }

function notice(text) {
  const n = $('#notice');
  n.textContent = text;
  n.hidden = !text;
}

async function api(method, path, body) {
  const res = await fetch(path, { method, headers: { ...authHeaders, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error || `${method} ${path}: HTTP ${res.status}`);
  return json;
}

function fmtTime(s) {
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

function render(job) {
  let entry = jobs.get(job.jobId);
  if (!entry) {
    const el = $('#job-tpl').content.firstElementChild.cloneNode(true);
    el.dataset.jobId = job.jobId;
    const stages = $('.stages', el);
    for (const s of STAGES) {
      const li = document.createElement('li');
      li.dataset.stage = s;
      li.innerHTML = `<span>${s}</span><progress max="100" value="0"></progress>`;
      stages.append(li);
    }
    // Cancel while it runs; Delete (with its clips, transcript and source) once it ended.
    $('.cancel', el).addEventListener('click', async () => {
      const ended = !['queued', 'running'].includes(jobs.get(job.jobId).data.status);
      if (ended && !confirm('Delete this job with its clips, transcript and source?')) return;
      try {
        await api('DELETE', `/jobs/${job.jobId}`);
        if (ended) {
          jobs.get(job.jobId).el.remove();
          jobs.delete(job.jobId);
        }
      } catch (e) {
        notice(e.message);
      }
    });
    $('#jobs').prepend(el);
    entry = { data: {}, el };
    jobs.set(job.jobId, entry);
  }
  const d = Object.assign(entry.data, job);
  const el = entry.el;
  $('#empty').hidden = true;
  $('.job-name', el).textContent = d.name || d.jobId;
  $('.job-meta', el).textContent = `${d.jobId} · ${new Date(d.createdAt || Date.now()).toLocaleString()}`;
  const badge = $('.badge', el);
  badge.textContent = d.status;
  badge.className = `badge ${d.status}`;
  $('.cancel', el).textContent = d.status === 'queued' || d.status === 'running' ? 'Cancel' : 'Delete';
  for (const [stage, st] of Object.entries(d.stages || {})) {
    const li = $(`[data-stage="${stage}"]`, el);
    if (li) $('progress', li).value = st.pct;
  }
  for (const li of el.querySelectorAll('.stages li')) li.classList.toggle('active', li.dataset.stage === d.stage && d.status === 'running');
  $('.job-message', el).textContent = d.status === 'failed' ? '' : d.message || (d.status === 'queued' ? 'waiting for a worker' : '');
  const err = $('.job-error', el);
  err.hidden = d.status !== 'failed';
  err.textContent = d.error ? `Failed: ${d.error}` : '';
  const zip = $('.zip', el);
  zip.hidden = !d.downloads;
  if (d.downloads) zip.href = d.downloads.zip;
  for (const r of d.edits || []) showRender(el, r);
  // Rebuilt when a clip is added or gets a new version: the new one plays.
  const signature = (d.clips || []).map((c) => `${c.rank}.${c.version || 1}`).join(',');
  if (d.clips && d.clips.length && el.dataset.gallery !== signature) {
    el.dataset.gallery = signature;
    const gallery = $('.gallery', el);
    gallery.replaceChildren();
    for (const c of d.clips) {
      const card = $('#clip-tpl').content.firstElementChild.cloneNode(true);
      const video = $('video', card);
      video.src = c.urls.video;
      video.poster = c.urls.thumbnail;
      card.dataset.rank = String(c.rank);
      $('.rank', card).textContent = `#${c.rank}${c.version > 1 ? ` · v${c.version}` : ''}${c.byHand ? ' · by hand' : ''}`;
      $('.edit', card).addEventListener('click', () => edit(d, c, card));
      $('.score', card).textContent = `score ${Math.round(c.score)}`;
      $('.clip-title', card).textContent = c.title;
      $('.clip-time', card).textContent = `${fmtTime(c.start)}–${fmtTime(c.end)} · ${Math.round(c.duration)} s`;
      $('.clip-reason', card).textContent = c.reason;
      $('.clip-text', card).textContent = c.text;
      const dl = $('.downloads', card);
      for (const [label, url] of [['MP4', c.urls.video], ['SRT', c.urls.srt], ['VTT', c.urls.vtt], ['JPG', c.urls.thumbnail]]) {
        const a = document.createElement('a');
        a.href = url;
        a.download = '';
        a.textContent = `⬇ ${label}`;
        dl.append(a);
      }
      gallery.append(card);
    }
  }
}

const transcripts = new Map(); // jobId -> the transcript view, fetched when an editor first opens

async function edit(job, clip, card) {
  notice('');
  try {
    // Fetched again each time: corrections made by an earlier edit are in it.
    const transcript = await api('GET', `/jobs/${job.jobId}/transcript`);
    transcripts.set(job.jobId, transcript);
    const output = job.manifest?.output || { aspect: '9:16', layout: 'auto', captionStyle: 'pop', hookTitle: false };
    openEditor(card, clip, { api, jobId: job.jobId, transcript, output, onTicket: (t) => showRender(jobs.get(job.jobId).el, t) });
  } catch (e) {
    notice(e.message);
  }
}

/** A re-render's row in its job: progress while it runs, then how it ended. */
function showRender(el, r) {
  const list = $('.renders', el);
  let row = list.querySelector(`[data-render-id="${r.renderId}"]`);
  if (!row) {
    row = document.createElement('li');
    row.dataset.renderId = r.renderId;
    row.innerHTML = '<span class="r-label"></span> <progress max="100" value="0"></progress> <span class="r-message muted"></span>';
    list.prepend(row);
  }
  row.className = `render-row ${r.status}`;
  $('.r-label', row).textContent = `Clip #${r.rank} v${r.version}`;
  $('progress', row).value = r.pct;
  $('.r-message', row).textContent = r.status === 'failed' ? `${r.message}: ${r.error}` : r.message;
}

async function refresh(jobId) {
  render(await api('GET', `/jobs/${jobId}`));
}

function connect() {
  // The token as a subprotocol, not in the URL (it would land in logs and history).
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`, token ? ['clipforge', token] : undefined);
  ws.addEventListener('open', () => ws.send(JSON.stringify({ subscribe: '*' })));
  ws.addEventListener('message', (ev) => {
    const m = JSON.parse(ev.data);
    if (!m.jobId) return;
    const known = jobs.get(m.jobId);
    if (!known) return void refresh(m.jobId).catch(() => undefined);
    if (m.type === 'edit') {
      showRender(known.el, m);
      if (m.status === 'done') void refresh(m.jobId).catch(() => undefined);
    } else if (m.type === 'progress') {
      const stages = { ...(known.data.stages || {}), [m.stage]: { pct: m.pct, message: m.message } };
      render({ jobId: m.jobId, status: 'running', stage: m.stage, pct: m.pct, message: m.message, stages });
    } else if (m.type === 'done' && m.job) {
      render(m.job);
    } else if (m.type === 'failed') {
      render({ jobId: m.jobId, status: 'failed', error: m.error });
    } else {
      void refresh(m.jobId).catch(() => undefined);
    }
  });
  ws.addEventListener('close', () => setTimeout(connect, 1500));
}

/** The clip options chosen on the page, for every job it makes. */
const chosenOptions = () => ({
  aspect: $('#aspect').value,
  layout: $('#layout').value,
  captionStyle: $('#caption-style').value,
  hookTitle: $('#hook-title').checked,
  language: $('#language').value,
});

const isCaptions = (f) => /\.(srt|vtt)$/i.test(f.name);

function sendFile(file, onProgress) {
  const contentType = isCaptions(file) ? (/\.vtt$/i.test(file.name) ? 'text/vtt' : 'application/x-subrip') : file.type || 'application/octet-stream';
  return api('POST', '/uploads', { filename: file.name, size: file.size, contentType }).then(
    (ticket) =>
      new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('PUT', ticket.uploadUrl);
        xhr.upload.addEventListener('progress', (e) => e.lengthComputable && onProgress(e.loaded / e.total));
        xhr.addEventListener('load', () => (xhr.status < 300 ? resolve(ticket) : reject(new Error(JSON.parse(xhr.responseText || '{}').error || `upload failed: HTTP ${xhr.status}`))));
        xhr.addEventListener('error', () => reject(new Error('upload failed: the connection dropped')));
        xhr.send(file);
      }),
  );
}

/** A video, and optionally its SRT/VTT captions dropped with it (then nothing is transcribed). */
async function upload(files) {
  notice('');
  const video = files.find((f) => !isCaptions(f));
  const captions = files.find(isCaptions);
  if (!video) return notice('Drop a video file (captions alone are not enough).');
  const box = $('#upload');
  box.hidden = false;
  $('.upload-name', box).textContent = captions ? `${video.name} + ${captions.name}` : video.name;
  const bar = $('#upload-bar');
  const pct = $('.upload-pct', box);
  try {
    const captionTicket = captions ? await sendFile(captions, () => undefined) : undefined;
    const ticket = await sendFile(video, (f) => {
      bar.value = 100 * f;
      pct.textContent = `${Math.round(bar.value)}% uploaded`;
    });
    const job = await api('POST', '/jobs', {
      source: { uploadId: ticket.uploadId },
      ...(captionTicket ? { captions: { uploadId: captionTicket.uploadId } } : {}),
      options: chosenOptions(),
    });
    bar.value = 100;
    pct.textContent = 'uploaded — queued';
    render(job);
  } catch (e) {
    notice(e.message);
  }
}

const drop = $('#drop');
const input = $('#file');
$('#pick').addEventListener('click', (e) => {
  e.stopPropagation();
  input.click();
});
drop.addEventListener('click', () => input.click());
drop.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && input.click());
input.addEventListener('change', () => input.files.length && upload([...input.files]));
for (const t of ['dragenter', 'dragover']) drop.addEventListener(t, (e) => (e.preventDefault(), drop.classList.add('over')));
for (const t of ['dragleave', 'drop']) drop.addEventListener(t, () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  const files = [...e.dataTransfer.files];
  if (files.length) upload(files);
});

/** A video link (a page or a media URL): the server fetches it, with the page's captions when it has them. */
$('#link').addEventListener('submit', async (e) => {
  e.preventDefault();
  notice('');
  const field = $('#link-url');
  const url = field.value.trim();
  if (!/^https?:\/\/\S+$/i.test(url)) return notice('Paste a link that starts with http:// or https://');
  try {
    render(await api('POST', '/jobs', { source: { url }, options: chosenOptions() }));
    field.value = '';
  } catch (err) {
    notice(err.message);
  }
});

api('GET', '/jobs')
  .then(async ({ jobs: list }) => {
    for (const j of list.reverse()) render(j);
    for (const j of list) if (j.status === 'done') await refresh(j.jobId);
  })
  .catch((e) => notice(e.message));
connect();
