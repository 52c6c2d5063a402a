// A run loads only what it needs: no ts-morph (source analysis, in the emit worker), no handlebars
// (templates), no browser driver, when nothing is emitted. Checked on the modules Node has loaded.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { example, runQuiet } from '../helpers/run.js';

describe('lazy imports', () => {
  it('a run without emitting loads neither ts-morph, handlebars nor playwright', async () => {
    await runQuiet(example('tracker/composite.ts'), { runs: 5, only: ['shape', 'masking'] });
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    assert.ok(
      loaded.some((m) => m.includes('/@tensorflow/tfjs')),
      'the module list is the right one (tfjs is in it)',
    );
    for (const heavy of ['/ts-morph/', '/handlebars/', '/playwright-core/']) {
      assert.ok(!loaded.some((m) => m.includes(heavy)), `${heavy} was loaded`);
    }
  });
});
