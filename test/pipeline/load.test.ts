import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatError } from '../../src/errors.js';
import { fixture, runQuiet, scaffoldError } from '../helpers/run.js';

describe('loading a composite: every bad input is one clear error (exit 2)', () => {
  const cases: { name: string; file: string; options?: object; code: string; message: RegExp; line?: number }[] = [
    { name: 'missing file', file: 'bad/does-not-exist.ts', code: 'E_FILE_MISSING', message: /no such file: .*does-not-exist\.ts/ },
    { name: 'a folder', file: 'bad', code: 'E_FILE_KIND', message: /is a folder, not a module/ },
    { name: 'unsupported extension', file: 'bad/notes.txt', code: 'E_FILE_KIND', message: /unsupported file type '\.txt'/ },
    { name: 'syntax error', file: 'bad/syntax.ts', code: 'E_SYNTAX', message: /syntax error: Unexpected "\}"/, line: 6 },
    {
      name: 'package not installed',
      file: 'bad/missing-package.ts',
      code: 'E_IMPORT',
      message: /cannot import 'no-such-package-xyz'/,
      line: 2,
    },
    { name: 'module throws at import', file: 'bad/throws-at-import.ts', code: 'E_IMPORT', message: /threw while loading: .*JSON/, line: 3 },
    { name: 'no default export', file: 'bad/no-default.ts', code: 'E_NO_EXPORT', message: /no default export/ },
    {
      name: 'no such named export',
      file: 'bad/no-default.ts',
      options: { exportName: 'nope' },
      code: 'E_NO_EXPORT',
      message: /no export named 'nope'/,
    },
    {
      name: 'export of the wrong kind',
      file: 'bad/wrong-kind.ts',
      code: 'E_EXPORT_KIND',
      message: /is a number, not a model factory/,
      line: 1,
    },
    { name: 'factory throws', file: 'bad/throws.ts', code: 'E_FACTORY_THROWS', message: /threw: the head is not wired yet/, line: 6 },
    { name: 'factory returns no model', file: 'bad/returns-nothing.ts', code: 'E_NOT_A_MODEL', message: /returned undefined/, line: 3 },
    {
      name: 'factory never settles',
      file: 'bad/never-settles.ts',
      options: { timeout: 1 },
      code: 'E_TIMEOUT',
      message: /did not finish within 1 s/,
      line: 1,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const error = await scaffoldError(fixture(c.file), c.options);
      assert.equal(error.code, c.code);
      assert.match(error.message, c.message);
      assert.ok(error.hint.length > 10, 'has a hint');
      if (c.line !== undefined) assert.equal(error.location?.line, c.line);
      const text = formatError(error);
      assert.match(text, /^scaffold-mini: /);
      assert.ok(text.split('\n').length <= 6, `a few lines, got:\n${text}`);
    });
  }

  it('shows the user frame of a throwing factory', async () => {
    const error = await scaffoldError(fixture('bad/throws.ts'));
    assert.match(error.detail ?? '', /throws\.ts:6/);
  });

  it('rejects unknown checks and bad numbers as argument errors', async () => {
    assert.equal((await scaffoldError(fixture('good/instance.mjs'), { only: ['nope'] })).code, 'E_ARGS');
    assert.equal((await scaffoldError(fixture('good/instance.mjs'), { runs: 0 })).code, 'E_ARGS');
  });
});

describe('loading a composite: accepted forms', () => {
  it('takes an async factory under --export from a .ts module', async () => {
    const report = await runQuiet(fixture('good/async-factory.ts'), { exportName: 'buildTagger' });
    assert.deepEqual(
      report.components.map((c) => [c.name, c.kind]),
      [
        ['embed', 'embedding'],
        ['encoder', 'recurrent'],
      ],
    );
  });

  it('takes a model instance exported by a .mjs module', async () => {
    const report = await runQuiet(fixture('good/instance.mjs'));
    assert.deepEqual(
      report.components.map((c) => c.name),
      ['wide'],
      'a Dense of half a million multiply-adds a sample',
    );
  });

  it('takes a named sync factory', async () => {
    const report = await runQuiet(fixture('bad/no-default.ts'), { exportName: 'buildModel' });
    assert.equal(report.components.length, 1);
  });
});
