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
      `${command} ${signal ? `was killed by ${signal}` : code === null ? 'could not be started' : `exited with code ${code}`}` +
        (stderrTail ? `: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` : ''),
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
