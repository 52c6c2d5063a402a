// Progress on a terminal: each check's line is rewritten in place from running to its result, and
// all of them are erased at the end (the summary lists the checks); in a log, one plain line each.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressPrinter } from '../../src/reporters/progress.js';

function stream(isTTY: boolean): { writes: string[]; write(text: string): void; isTTY: boolean } {
  const writes: string[] = [];
  return { writes, isTTY, write: (text: string) => void writes.push(text) };
}

describe('progress printer', () => {
  it('on a terminal, updates each check line in place and erases them at the end', () => {
    const tty = stream(true);
    const p = progressPrinter(tty, { color: false });
    p.onProgress({ phase: 'check-start', id: 'shape', index: 0, total: 2 });
    p.onProgress({ phase: 'check', id: 'shape', status: 'pass', ms: 12, index: 0, total: 2 });
    p.onProgress({ phase: 'check-start', id: 'masking', index: 1, total: 2 });
    p.onProgress({ phase: 'check', id: 'masking', status: 'fail', ms: 30, index: 1, total: 2 });
    p.finish();
    assert.match(tty.writes[0] ?? '', /^ {2}\.\.\.\. {2}shape +1\/2$/);
    assert.match(tty.writes[1] ?? '', /^\r\u001b\[2K {2}pass {2}shape +12 ms\n$/);
    assert.match(tty.writes[3] ?? '', /FAIL {2}masking/);
    assert.equal(tty.writes[4], '\u001b[2A\r\u001b[J', 'two lines up, cleared');
  });

  it('in a log, prints one plain line per finished check, no escapes', () => {
    const log = stream(false);
    const p = progressPrinter(log, { color: false });
    p.onProgress({ phase: 'check-start', id: 'shape', index: 0, total: 1 });
    p.onProgress({ phase: 'check', id: 'shape', status: 'pass', ms: 12, index: 0, total: 1 });
    p.finish();
    assert.deepEqual(log.writes, ['scaffold-mini: shape pass (12 ms)\n']);
  });

  it('colours only when asked', () => {
    const tty = stream(true);
    progressPrinter(tty, { color: true }).onProgress({ phase: 'check', id: 'shape', status: 'pass', ms: 1, index: 0, total: 1 });
    assert.match(tty.writes[0] ?? '', /\u001b\[32mpass\u001b\[0m/);
  });
});
