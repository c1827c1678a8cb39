// Finding a clip's gain: measured again through the gain and limiter until within half a unit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOUDNESS, findGain, parseIntegrated } from '../../src/media/loudness.ts';

test('the gain converges when a limiter takes part of it back; silence gets none', async () => {
  // A peaky voice at -21.4 LUFS: the limiter keeps only 80% of any gain above 5 dB.
  const voice = async (g: number) => -21.4 + (g <= 5 ? g : 5 + 0.8 * (g - 5));
  const gain = await findGain(voice);
  assert.ok(Math.abs((await voice(gain)) - LOUDNESS.I) <= 0.5, `gain ${gain} gives ${await voice(gain)}`);
  assert.equal(await findGain(async () => -70), 0, 'silence is not amplified');
  assert.equal(await findGain(async () => undefined), 0, 'no audio: no gain');
});

test("ebur128's summary is read, not its running lines", () => {
  const stderr =
    '[Parsed_ebur128_2 @ 0x1] t: 1.0 TARGET:-23 LUFS M: -20.0 S: -19.0 I: -19.5 LUFS LRA: 0.0 LU\n[Parsed_ebur128_2 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -14.3 LUFS\n';
  assert.equal(parseIntegrated(stderr), -14.3);
});
