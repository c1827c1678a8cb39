// Progress for people: a bar per stage on a terminal, plain throttled lines anywhere else.
import cliProgress from 'cli-progress';
import type { Logger, ProgressSink } from '../core/ports.ts';
import type { ProgressEvent } from '../core/schemas.ts';

export interface ProgressDisplay extends ProgressSink, Logger {
  stop(): void;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  const multi = new cliProgress.MultiBar(
    { stream, format: ' {stage} |{bar}| {percentage}% {message}', barsize: 24, hideCursor: true, clearOnComplete: false, autopadding: true },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const line = (level: string, message: string, fields?: Record<string, unknown>) =>
    multi.log(`${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
  return {
    emit(e: ProgressEvent) {
      const payload = { stage: e.stage.padEnd(10), message: e.message.slice(0, 60) };
      let bar = bars.get(e.stage);
      if (!bar) {
        bar = multi.create(100, e.pct, payload);
        bars.set(e.stage, bar);
      }
      bar.update(e.pct, payload);
    },
    info: (m, f) => line('info', m, f),
    warn: (m, f) => line('warning', m, f),
    stop: () => multi.stop(),
  };
}

export function lineProgress(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): ProgressDisplay {
  const last = new Map<string, { pct: number; message: string }>();
  return {
    emit(e: ProgressEvent) {
      const prev = last.get(e.stage);
      // Every 10% or on a new message: enough to follow, not enough to flood a log.
      if (prev && Math.floor(prev.pct / 10) === Math.floor(e.pct / 10) && prev.message === e.message) return;
      last.set(e.stage, { pct: e.pct, message: e.message });
      write(`[${e.stage}] ${String(e.pct).padStart(3)}% ${e.message}`);
    },
    info: (m, f) => write(`info: ${m}${f ? ` ${JSON.stringify(f)}` : ''}`),
    warn: (m, f) => write(`warning: ${m}${f ? ` ${JSON.stringify(f)}` : ''}`),
    stop: () => undefined,
  };
}
