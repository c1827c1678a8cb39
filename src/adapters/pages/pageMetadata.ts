// What yt-dlp says about a page (`yt-dlp -J`), read with the fields we act on, and the rules
// applied before anything is downloaded: one video (not a playlist), not live, not private,
// members-only, paid, age-gated or DRM-locked, not longer than the job's cap; and which captions
// stand in for a transcript (a person's first, then the site's automatic ones, in the language
// spoken). Pure functions: tested without yt-dlp.
import { stripControls } from '../../core/controlChars.ts';
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { option } from '../../core/optionWords.ts';
import type { PageInfo } from '../../core/ports.ts';
import { formatDuration } from '../../core/durations.ts';

const TrackSchema = z.looseObject({ ext: z.string().optional() });
const CaptionTracksSchema = z.record(z.string(), z.array(TrackSchema)).nullish();

export const PageMetadataSchema = z.looseObject({
  _type: z.string().optional(),
  id: z.string(),
  title: z.string().nullish(),
  fulltitle: z.string().nullish(),
  extractor: z.string().nullish(),
  extractor_key: z.string().nullish(),
  webpage_url: z.string().nullish(),
  uploader: z.string().nullish(),
  channel: z.string().nullish(),
  duration: z.number().nullish(),
  is_live: z.boolean().nullish(),
  live_status: z.string().nullish(),
  availability: z.string().nullish(),
  age_limit: z.number().nullish(),
  language: z.string().nullish(),
  _has_drm: z.boolean().nullish(),
  formats: z
    .array(z.looseObject({ has_drm: z.union([z.boolean(), z.literal('maybe')]).nullish(), vcodec: z.string().nullish(), protocol: z.string().nullish() }))
    .nullish(),
  subtitles: CaptionTracksSchema,
  automatic_captions: CaptionTracksSchema,
  playlist_count: z.number().nullish(),
  entries: z.array(z.unknown()).nullish(),
});
export type PageMetadata = z.infer<typeof PageMetadataSchema>;

/** Refuses, as bad input with the reason in words, a page whose video cannot or should not be fetched. */
export function checkPage(meta: PageMetadata, url: string, maxDurationSec: number): void {
  if (meta._type === 'playlist' || meta.entries) {
    const n = meta.playlist_count ?? meta.entries?.length;
    throw new InputError(`${url} is a playlist${n ? ` of ${n} videos` : ''}, not one video: give the link of one video in it`);
  }
  const title = meta.title ? `"${meta.title}"` : url;
  if (meta.is_live || meta.live_status === 'is_live') throw new InputError(`${title} is a live stream: clip it once it has ended and been saved`);
  if (meta.live_status === 'is_upcoming') throw new InputError(`${title} is a live stream that has not started yet`);
  const locked: Record<string, string> = {
    private: 'is a private video',
    premium_only: 'is only for paying subscribers',
    subscriber_only: "is only for the channel's members",
    needs_auth: 'can only be watched signed in',
  };
  if (meta.availability && locked[meta.availability]) throw new InputError(`${title} ${locked[meta.availability]}; clipforge fetches only public videos`);
  if ((meta.age_limit ?? 0) >= 18) throw new InputError(`${title} is age-restricted (it can only be watched signed in); clipforge fetches only public videos`);
  if (meta._has_drm || (meta.formats?.length && meta.formats.every((f) => f.has_drm === true)))
    throw new InputError(`${title} is DRM-protected and cannot be downloaded`);
  if (meta.formats && !meta.formats.length) throw new InputError(`no video was found on ${url}`);
  if (meta.duration && meta.duration > maxDurationSec) {
    throw new InputError(
      `${title} is ${formatDuration(meta.duration)} long, over the ${formatDuration(maxDurationSec)} cap (raise it with ${option('maxDurationSec')})`,
    );
  }
}

/** The page as the manifest names it. */
/** What the page says of itself, without control characters (they reach terminals and files). */
export function pageInfo(meta: PageMetadata, url: string): PageInfo {
  const uploader = meta.uploader ?? meta.channel ?? undefined;
  return {
    url: stripControls(meta.webpage_url ?? url),
    // The generic extractor numbers each <video> of a page: "Talk (1)".
    title: stripControls((meta.fulltitle ?? meta.title ?? meta.id).replace(meta.extractor_key === 'HTML5MediaEmbed' ? / \(\d+\)$/ : /$^/, '')),
    uploader: uploader === undefined ? undefined : stripControls(uploader),
    duration: meta.duration ?? undefined,
    extractor: (meta.extractor_key ?? meta.extractor ?? 'generic').toLowerCase(),
    id: meta.id,
  };
}

export interface CaptionChoice {
  lang: string;
  automatic: boolean;
}

/** A track key in the spoken language: exact, its original (YouTube's "en-orig"), or a regional form ("en-GB"). */
function inLanguage(keys: string[], spoken: string | undefined, originalFirst = false): string | undefined {
  if (!spoken) return undefined;
  const base = spoken.split('-')[0]!.toLowerCase();
  // YouTube's automatic tracks: "en-orig" is the recognised speech, "en" may be derived from it.
  const original = originalFirst ? keys.find((k) => k.toLowerCase() === `${base}-orig`) : undefined;
  return (
    original ??
    keys.find((k) => k.toLowerCase() === spoken.toLowerCase()) ??
    keys.find((k) => k.toLowerCase() === `${base}-orig`) ??
    keys.find((k) => k.toLowerCase() === base) ??
    keys.find((k) => k.toLowerCase().startsWith(`${base}-`))
  );
}

/**
 * The captions to use instead of transcribing, or none. A person's captions first, then the
 * site's automatic ones — in the language spoken; automatic tracks in other languages are machine
 * translations and never chosen. When the page does not say its language, a person's track is
 * taken if there is just one, and the automatic original ("-orig") if marked.
 */
export function chooseCaptions(meta: PageMetadata): CaptionChoice | undefined {
  const spoken = meta.language ?? undefined;
  const manual = Object.keys(meta.subtitles ?? {}).filter((k) => k !== 'live_chat');
  const auto = Object.keys(meta.automatic_captions ?? {});
  const m = inLanguage(manual, spoken) ?? (!spoken && manual.length === 1 ? manual[0] : undefined);
  if (m) return { lang: m, automatic: false };
  const a = inLanguage(auto, spoken, true) ?? (spoken ? undefined : auto.find((k) => k.endsWith('-orig')));
  if (a) return { lang: a, automatic: true };
  return undefined;
}

/** yt-dlp's "ERROR: …" lines, in words a user can act on; undefined when none applies. */
export function pageFailure(stderr: string, url: string): string | undefined {
  const error =
    stderr
      .split('\n')
      .filter((l) => l.startsWith('ERROR:'))
      .pop() ?? '';
  const rules: Array<[RegExp, string]> = [
    [/Unsupported URL|No video formats found|no suitable formats|Unable to extract/i, `no video was found on ${url}`],
    [/HTTP Error 404/i, `${url} was not found (HTTP 404)`],
    [/HTTP Error 410/i, `${url} is gone (HTTP 410)`],
    [/HTTP Error 40[13]/i, `${url} refused access (it may need signing in)`],
    [/Private video/i, 'the video is private; clipforge fetches only public videos'],
    [/members[- ]only|Join this channel|available to this channel's members/i, "the video is only for the channel's members"],
    [/available in your country|geo[- ]?restrict|not available from your location/i, "the video is not available from this server's country (geo-blocked)"],
    [/confirm your age|age[- ]restricted|inappropriate for some users/i, 'the video is age-restricted (it can only be watched signed in)'],
    [
      /confirm you.re not a bot|Sign in to confirm/i,
      'the site asks this server to sign in (it blocks many data-centre addresses): download the video elsewhere and upload the file',
    ],
    [/live event will begin|Premieres in|is_upcoming/i, 'the video is a live stream that has not started yet'],
    [/\bDRM\b/i, 'the video is DRM-protected and cannot be downloaded'],
    [/Video unavailable|This video is not available|has been removed|does not exist/i, 'the video is unavailable (removed, or never published)'],
    [/timed out|Read timed out|IncompleteRead/i, `${url} stopped answering`],
    [/File is larger than max-filesize|larger than max/i, 'the video is over the download size cap'],
  ];
  for (const [pattern, words] of rules) if (pattern.test(error)) return words;
  return undefined;
}

/**
 * Protocols a page's formats may be fetched over: http(s) files and yt-dlp's own HLS and DASH
 * downloaders, which go through the guarded proxy. Others are handed to outside programs that
 * ignore it (rtmp to rtmpdump, rtsp/mms/SAMPLE-AES HLS to FFmpeg, which honours no_proxy).
 */
const FETCHED_PROTOCOLS = new Set(['http', 'https', 'm3u8_native', 'm3u8', 'http_dash_segments', 'http_dash_segments_generator']);

/**
 * The page's metadata with only the formats that are fetched here (yt-dlp then chooses among
 * them); refused in words when none is left.
 */
export function fetchableFormats<M extends PageMetadata>(meta: M, url: string): M {
  if (!meta.formats?.length) {
    // One file, no list: its own protocol.
    const protocol = (meta as { protocol?: unknown }).protocol;
    if (typeof protocol === 'string' && !FETCHED_PROTOCOLS.has(protocol))
      throw new InputError(`${url} offers its video only over ${protocol}, which clipforge does not fetch (http, https, HLS and DASH only)`);
    return meta;
  }
  const kept = meta.formats.filter((f) => !f.protocol || FETCHED_PROTOCOLS.has(f.protocol));
  if (!kept.length) {
    const offered = [...new Set(meta.formats.map((f) => f.protocol))].join(', ');
    throw new InputError(`${url} offers its video only over ${offered}, which clipforge does not fetch (http, https, HLS and DASH only)`);
  }
  return { ...meta, formats: kept };
}
