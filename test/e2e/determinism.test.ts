// The same input and seed give byte-identical reports, apart from timings (the run's, each check's,
// and the stubs' measured build and forward times) and the environment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Report } from '../../src/model/report.js';
import { renderJson } from '../../src/reporters/json.js';
import { example, runQuiet } from '../helpers/run.js';

/** The report as JSON text with what may differ between runs taken out: times and the machine. */
function comparable(report: Report): string {
  const { timings: _timings, environment: _environment, ...rest } = report;
  const components = rest.components.map((c) => {
    if (!c.cost?.twin) return c;
    const { buildMs: _build, forwardMs: _forward, ...twin } = c.cost.twin;
    return { ...c, cost: { ...c.cost, twin } };
  });
  return renderJson({ ...rest, components, checks: rest.checks.map(({ ms: _ms, ...c }) => c) } as unknown as Report);
}

describe('determinism of the tool itself', () => {
  for (const name of ['tracker/composite.ts', 'bugs/reverse-keeps-mask/composite.ts']) {
    it(`${name}: two runs with the same seed write the same report, byte for byte`, async () => {
      const options = { seed: 11, runs: 20 };
      const first = comparable(await runQuiet(example(name), options));
      const second = comparable(await runQuiet(example(name), options));
      assert.equal(second, first);
      assert.notEqual(comparable(await runQuiet(example(name), { ...options, seed: 12 })), first, 'another seed draws other samples');
    });
  }
});
