// A "video" that is really a playlist or a list of other files: FFmpeg knows these by content
// whatever the name, and would follow them to files on the server (an upload named holiday.mp4
// came back as clips of another file). Each is refused as bad input, and nothing is read through it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { probe, runCli, shortTalk } from '../helpers/media.ts';

test('an HLS playlist, an ffconcat list and a DASH manifest named .mp4 are refused; no clip of the file they name is made', async () => {
  // Stands for a file on the server the sender should never see: a real talk, so a read would make clips.
  const secret = await shortTalk();
  const seconds = (await probe(secret)).duration.toFixed(3);
  const dir = await mkdtemp(join(tmpdir(), 'clipforge-playlist-'));
  const disguised = {
    'hls.mp4': `#EXTM3U\n#EXT-X-TARGETDURATION:${Math.ceil(Number(seconds))}\n#EXTINF:${seconds},\nfile://${secret}\n#EXT-X-ENDLIST\n`,
    'concat.mp4': `ffconcat version 1.0\nfile '${secret}'\n`,
    'dash.mp4': `<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT${seconds}S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011"><Period><AdaptationSet mimeType="video/mp4"><Representation id="1" bandwidth="1000"><BaseURL>file://${secret}</BaseURL></Representation></AdaptationSet></Period></MPD>\n`,
  };
  for (const [name, text] of Object.entries(disguised)) {
    const file = join(dir, name);
    await writeFile(file, text);
    const out = join(dir, `${name}-clips`);
    const res = await runCli(['run', file, '--out', out, '--clips', '1', '--min-sec', '10', '--max-sec', '30']);
    assert.equal(res.code, 2, `${name}: refused as bad input\n${res.stderr.slice(-800)}`);
    // FFmpeg itself refuses the absolute path in a concat list; the playlists are ours to refuse.
    assert.match(res.stderr, name === 'concat.mp4' ? /not a media file/ : /a playlist or a list of other files/, name);
    assert.equal(existsSync(join(out, 'clip-1.mp4')), false, `${name}: no clip of the named file`);
  }
});
