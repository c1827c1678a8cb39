// Error kinds the orchestrator retries or not. `name` is what Step Functions' Retry/Catch match on.

/** The input itself is unusable (missing, not a video, too long, ...): never retried. */
export class InputError extends Error {
  override name = 'InputError';
}

/** A subprocess failed; carries what is needed to tell why from a log line. */
export class ProcessError extends Error {
  override name = 'ProcessError';
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
  ) {
    super(
      `${lastSegment(command)} ${signal ? `was killed by ${signal}` : code === null ? 'could not be started' : `exited with code ${code}`}` +
        (stderrTail ? `: ${shownLines(stderrTail).join(' | ')}` : ''),
    );
  }

  /**
   * The tool itself is missing or broken (not started, not executable: 126, not found or a
   * missing shared library: 127), which says nothing about the input: never bad input.
   */
  get environmentFault(): boolean {
    return (this.code === null && this.signal === null) || this.code === 126 || this.code === 127;
  }
}

const lastSegment = (path: string) => path.split('/').pop() || path;
/** Absolute paths (an install's folders, a server's files) shown by their last part only. */
const ABSOLUTE_PATH = /(?:\/[\w.@+-]+){2,}\/([\w.@+-]+)/g;

/**
 * What a tool's stderr says, as it may be shown: its last three lines of words, without a Python
 * traceback's frames (its "File ..." lines and their code) and with paths cut to their last part.
 */
function shownLines(stderr: string): string[] {
  return stderr
    .trim()
    .split('\n')
    .filter((l) => !/^Traceback \(most recent call last\)|^\s+File "|^\s{4}\S|^\s+\^+\s*$/.test(l))
    .map((l) => l.replace(ABSOLUTE_PATH, '$1'))
    .slice(-3);
}

/** Media a tool could not read; `truncated` when it looks like a real file cut short. */
export class MediaReadError extends Error {
  override name = 'MediaReadError';
  constructor(
    message: string,
    readonly truncated: boolean,
  ) {
    super(message);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A storage fault said in words (the raw form is an errno or FFmpeg's trailer error). */
export function inStorageWords(message: string): string {
  if (/ENOSPC|No space left on device|database or disk is full/i.test(message)) return `the disk is full (${message})`;
  if (/EROFS|Read-only file system/i.test(message)) return `the disk is read-only (${message})`;
  if (/EDQUOT|Disk quota exceeded/i.test(message)) return `the disk quota is used up (${message})`;
  return message;
}
