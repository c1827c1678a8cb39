// The speech's language when the user names it, read once for every runtime and engine.

/** CLIPFORGE_LANGUAGE, the speech's ISO 639-1 code when the user knows it (else Whisper detects it). */
export function spokenLanguage(env: NodeJS.ProcessEnv): string | undefined {
  const code = env.CLIPFORGE_LANGUAGE?.trim().toLowerCase();
  if (!code) return undefined;
  if (!/^[a-z]{2}$/.test(code)) throw new Error(`CLIPFORGE_LANGUAGE must be a two-letter ISO 639-1 code such as "en" or "de", not "${code.slice(0, 20)}"`);
  return code;
}
