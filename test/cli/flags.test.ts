import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLAGS, numberFlag, optionsFromFlags } from '../../src/cli/flags.js';

describe('the flag table', () => {
  it('turns parsed flags into the pipeline options and the command options', () => {
    const { options, command } = optionsFromFlags({
      seed: 7,
      only: 'shape, masking,,dtype',
      'min-params': 0,
      export: 'build',
      'overfit-real': 'encoder',
      emit: false,
      json: 'r.json',
      quiet: true,
      'max-memory': 2048,
      _: ['model.ts'],
    });
    assert.deepEqual(options, {
      seed: 7,
      only: ['shape', 'masking', 'dtype'],
      minParams: 0,
      exportName: 'build',
      overfitReal: 'encoder',
      emit: false,
    });
    assert.deepEqual(command, { json: 'r.json', quiet: true, maxMemory: 2048 });
  });

  it('names each option once', () => {
    const keys = Object.values(FLAGS).map((f) => f.key);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('reads the watchdog limits straight from argv, both spellings, positive numbers only', () => {
    assert.equal(numberFlag(['m.ts', '--timeout', '5'], 'timeout'), 5);
    assert.equal(numberFlag(['m.ts', '--timeout=2.5'], 'timeout'), 2.5);
    assert.equal(numberFlag(['--max-memory', '512', 'm.ts'], 'max-memory'), 512);
    assert.equal(numberFlag(['--timeout', '0'], 'timeout'), undefined);
    assert.equal(numberFlag(['--timeout', 'soon'], 'timeout'), undefined);
    assert.equal(numberFlag(['--timeouts', '3'], 'timeout'), undefined);
  });
});
