// FFmpeg's environment where its build cannot look up host names. The static FFmpeg/ffprobe
// builds shipped to Lambda link glibc statically; glibc then loads the system's NSS modules for any
// name lookup, and a static binary with the host's dynamic libc.so inside crashes (SIGSEGV, exit
// 139) — measured here on Debian 12 and the same on Amazon Linux 2023. Through a loopback forward
// proxy (src/adapters/http/forwardProxy.ts) FFmpeg dials only the numeric 127.0.0.1 and Node does
// every name lookup.
import { type ForwardProxy, startForwardProxy } from '../adapters/http/forwardProxy.ts';

let shared: Promise<ForwardProxy> | undefined;

/**
 * The environment FFmpeg children run with. `CLIPFORGE_FFMPEG_PROXY=loopback` (set by the stack on
 * the functions that ship the static build) routes their URLs through one shared loopback proxy.
 */
export async function ffmpegEnv(env: NodeJS.ProcessEnv = process.env): Promise<NodeJS.ProcessEnv> {
  if (env.CLIPFORGE_FFMPEG_PROXY !== 'loopback') return env;
  shared ??= startForwardProxy();
  const { url } = await shared;
  // no_proxy emptied: a proxy left out for some host would bring the name lookup back.
  return { ...env, http_proxy: url, no_proxy: '' };
}
