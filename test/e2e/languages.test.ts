// The offline transcriber in other languages and scripts, on speech espeak-ng makes: the
// language is detected (or taken as given), and the words come back in their own script with
// their accents. espeak-ng's Russian is heard as Russian only when the language is given (its
// accent makes Whisper base guess a Latin-script language); its Mandarin has no tones (Whisper
// hears Thai), so the CJK case is Japanese, which espeak-ng speaks from kana.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FasterWhisperTranscriber } from '../../src/adapters/whisper/fasterWhisperTranscriber.ts';
import { PROJECT_ROOT, projectPython } from '../../src/core/projectRoot.ts';
import { runProcess } from '../../src/media/runProcess.ts';
import { ManifestSchema } from '../../src/core/schemas.ts';
import { ffmpeg, runCli } from '../helpers/media.ts';

/** espeak-ng's speech of `text` as 16 kHz mono WAV, what the transcriber reads. */
async function speech(voice: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-lang-'));
  await runProcess('espeak-ng', ['-v', voice, '-s', '110', '-w', join(dir, 'raw.wav'), text], { timeoutMs: 60_000 });
  await ffmpeg(['-i', join(dir, 'raw.wav'), '-ar', '16000', '-ac', '1', '-c:a', 'pcm_s16le', join(dir, 'speech.wav')]);
  return join(dir, 'speech.wav');
}

const lower = (words: Array<{ w: string }>) => words.map((w) => w.w.toLowerCase().replace(/[^\p{L}\p{M}]/gu, ''));

test('Spanish is detected and heard with its accents', async () => {
  const t = await new FasterWhisperTranscriber().transcribe(await speech('es', 'El niño pequeño está leyendo un libro en la biblioteca.'));
  assert.equal(t.language, 'es');
  const heard = lower(t.words);
  for (const w of ['niño', 'pequeño', 'está', 'libro', 'biblioteca']) assert.ok(heard.includes(w), `"${w}" in: ${heard.join(' ')}`);
});

test('German is detected and heard with its umlauts', async () => {
  const t = await new FasterWhisperTranscriber().transcribe(
    await speech('de', 'Guten Morgen. Heute ist ein schöner Tag, und wir gehen zusammen in den Park. Danach trinken wir Kaffee und essen Kuchen.'),
  );
  assert.equal(t.language, 'de');
  const heard = lower(t.words);
  for (const w of ['guten', 'morgen', 'heute', 'schöner', 'park', 'kaffee', 'kuchen']) assert.ok(heard.includes(w), `"${w}" in: ${heard.join(' ')}`);
});

test('Russian, given as the language, comes back in Cyrillic', async () => {
  const t = await new FasterWhisperTranscriber({ language: 'ru' }).transcribe(
    await speech('ru', 'Доброе утро. Сегодня очень хороший день, и мы вместе идём в парк. Потом мы пьём чай и едим торт.'),
  );
  assert.equal(t.language, 'ru');
  const heard = lower(t.words);
  for (const w of ['доброе', 'утро', 'сегодня', 'очень', 'хороший', 'день', 'чай']) assert.ok(heard.includes(w), `"${w}" in: ${heard.join(' ')}`);
});

test('Arabic, given as the language, comes back in Arabic script', async () => {
  const t = await new FasterWhisperTranscriber({ language: 'ar' }).transcribe(await speech('ar', 'صَبَاحُ الْخَيْرِ. الْيَوْمُ يَوْمٌ جَمِيلٌ جِدًّا، وَنَحْنُ نَذْهَبُ مَعًا إِلَى الْحَدِيقَةِ.'));
  assert.equal(t.language, 'ar');
  assert.ok(t.words.length >= 5, `words heard: ${t.words.map((w) => w.w).join(' ')}`);
  const arabic = t.words.filter((w) => /^[\p{Script=Arabic}\p{M}\p{P}]+$/u.test(w.w));
  assert.equal(arabic.length, t.words.length, `every word in Arabic script: ${t.words.map((w) => w.w).join(' ')}`);
});

test('Japanese (espeak-ng reads kana; it names kanji as "Chinese letter") is detected and comes back in Japanese script', async () => {
  const t = await new FasterWhisperTranscriber().transcribe(
    await speech('ja', 'きょうは とても いい てんき です。わたしたちは こうえんに いきます。そして おちゃを のみます。'),
  );
  assert.equal(t.language, 'ja');
  const text = t.words.map((w) => w.w).join('');
  assert.ok(
    t.words.every((w) => /^[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}ー\p{P}]+$/u.test(w.w)),
    `every word in Japanese script: ${t.words.map((w) => w.w).join(' ')}`,
  );
  for (const w of ['とても', 'いい', 'ます']) assert.ok(text.includes(w), `"${w}" in: ${text}`);
});

test('a model folder that is not one is refused in words, before any loading', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cf-model-'));
  const t = new FasterWhisperTranscriber({ env: { ...process.env, CLIPFORGE_WHISPER_MODEL: dir } });
  await assert.rejects(t.transcribe(await speech('en', 'hello')), /CLIPFORGE_WHISPER_MODEL names no CTranslate2 Whisper model/);
});

test("a model file that differs from its publisher's hash is refused, naming the file and both hashes, and never loaded", async () => {
  const { stdout } = await runProcess(projectPython(), [join(PROJECT_ROOT, 'speech', 'whisper_model.py')], { timeoutMs: 120_000 });
  const installed = stdout.trim();
  const dir = await mkdtemp(join(tmpdir(), 'cf-model-'));
  for (const f of ['model.bin', 'tokenizer.json', 'vocabulary.txt']) await symlink(join(installed, f), join(dir, f));
  const config = JSON.parse(await readFile(join(installed, 'config.json'), 'utf8'));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, suppress_ids: [] }));
  const t = new FasterWhisperTranscriber({ env: { ...process.env, CLIPFORGE_WHISPER_DIR: dir } });
  await assert.rejects(
    t.transcribe(await speech('en', 'hello')),
    /config\.json does not match its publisher's SHA-256 \(expected 56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a, found [0-9a-f]{64}/,
  );
});

test('clipforge run --language ru: the job names the language, the clip is captioned in Cyrillic, the manifest says ru', async () => {
  const wav = await speech('ru', 'Доброе утро. Сегодня очень хороший день, и мы вместе идём в парк. Потом мы пьём чай и едим торт.');
  const dir = await mkdtemp(join(tmpdir(), 'cf-lang-run-'));
  const video = join(dir, 'utro.mp4');
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'color=c=darkblue:s=640x360:r=25',
    '-i',
    wav,
    '-shortest',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-c:a',
    'aac',
    video,
  ]);
  const res = await runCli(['run', video, '--out', join(dir, 'out'), '--clips', '1', '--min-sec', '3', '--max-sec', '12', '--language', 'ru', '--json']);
  assert.equal(res.code, 0, res.stderr);
  const manifest = ManifestSchema.parse(JSON.parse(res.stdout));
  assert.equal(manifest.source.language, 'ru');
  assert.match(manifest.clips[0]!.text, /[\p{Script=Cyrillic}]{4,}/u, `Cyrillic words: ${manifest.clips[0]!.text}`);
  assert.match(await readFile(join(dir, 'out', manifest.clips[0]!.srt), 'utf8'), /сегодня|Сегодня|утро/);
  const bad = await runCli(['run', video, '--out', join(dir, 'out2'), '--language', 'russian']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--language: a two-letter ISO 639-1 code/);
});
