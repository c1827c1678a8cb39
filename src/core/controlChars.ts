// Text from pages and caption files reaches terminals (the CLI's output, serve's log) and files
// (SRT, VTT, the manifest): escape sequences in a page title or a caption could move a terminal's
// cursor, rewrite what it shows or set its title. Control characters (C0 but tab and newline,
// DEL, C1, ESC among them) are removed wherever such text comes in.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export function stripControls(text: string): string {
  return text.replace(CONTROLS, '');
}
