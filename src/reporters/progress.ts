import type { Progress } from '../model/progress.js';
import { paint } from './terminal.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Progress while the checks run, on stderr. On a terminal one line per check, updated in place
 * from "running" to its result, all erased at the end (the summary lists them); elsewhere (CI logs)
 * a plain line per finished check.
 */
export function progressPrinter(
  stream: ProgressStream,
  options: { color: boolean },
): { onProgress(event: Progress): void; finish(): void } {
  const tty = stream.isTTY === true;
  const color = (code: number, text: string): string => paint(options.color, code)(text);
  let lines = 0;
  return {
    onProgress(event) {
      if (event.phase === 'check-start') {
        if (tty) stream.write(`  ${color(2, '....')}  ${event.id.padEnd(20)} ${color(2, `${event.index + 1}/${event.total}`)}`);
        return;
      }
      if (event.phase !== 'check') return;
      const mark = event.status === 'pass' ? color(32, 'pass') : event.status === 'fail' ? color(31, 'FAIL') : color(33, 'skip');
      if (tty) {
        stream.write(`\r\u001b[2K  ${mark}  ${event.id.padEnd(20)} ${color(2, `${event.ms} ms`)}\n`);
        lines++;
      } else {
        stream.write(`scaffold-mini: ${event.id} ${event.status} (${event.ms} ms)\n`);
      }
    },
    finish() {
      if (tty && lines > 0) stream.write(`\u001b[${lines}A\r\u001b[J`);
      lines = 0;
    },
  };
}
