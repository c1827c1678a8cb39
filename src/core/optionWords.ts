// Messages from the pipeline name a job option as the API does (`options.minSec`); each interface
// says it in its own words: the CLI as its flag (--min-sec), the API and the page as they are.

/** The CLI flag of each job option. */
export const OPTION_FLAGS: Record<string, string> = {
  clips: '--clips',
  minSec: '--min-sec',
  maxSec: '--max-sec',
  maxDurationSec: '--max-duration',
  concurrency: '--concurrency',
  shortlist: '--shortlist',
  pageCaptions: '--no-captions',
  maxHeight: '--max-height',
  aspect: '--aspect',
  layout: '--layout',
  captionStyle: '--caption-style',
  hookTitle: '--hook-title',
  audioTrack: '--audio-track',
  language: '--language',
};

/** `options.minSec` in a message, as the API names it. */
export const option = (name: keyof typeof OPTION_FLAGS) => `options.${name}`;

/** A pipeline message in the CLI's words. */
export const inCliWords = (message: string): string => message.replace(/\boptions\.(\w+)/g, (whole, name: string) => OPTION_FLAGS[name] ?? whole);
