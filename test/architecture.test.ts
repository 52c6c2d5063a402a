// The layout the folders promise (README, Architecture): checks never import a stage, only the
// check stage imports checks, config and the command's watchdog load no check, and model/ holds
// plain types that depend on nothing of the tool's but each other.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers/run.js';

const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** The project files a source file imports, relative to src/: static ones (and re-exports), or dynamic ones too. */
function importsOf(file: string, dynamic: boolean): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = dynamic ? /(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g : /(?:from\s+|^import\s+)'(\.{1,2}\/[^']+)'/gm;
  const specs = [...text.matchAll(pattern)].map((m) => m[1] as string);
  return specs.map((spec) => relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'));
}

const all = files(SRC).map((file) => ({
  file: relative(SRC, file),
  imports: importsOf(file, true),
  staticImports: importsOf(file, false),
}));
const under = (folder: string) => all.filter((f) => f.file.startsWith(`${folder}/`));

/** Everything a file loads, transitively: on import (static), or ever (with dynamic imports). */
function closure(start: string, dynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const f = all.find((x) => x.file === file);
    for (const next of (dynamic ? f?.imports : f?.staticImports) ?? []) visit(next);
  };
  visit(start);
  return seen;
}

describe('architecture', () => {
  it('has one file per stage in src/pipeline, composed by run.ts', () => {
    for (const stage of ['load', 'discover', 'probe', 'twin', 'check', 'emit', 'report', 'run']) {
      assert.ok(
        all.some((f) => f.file === `pipeline/${stage}.ts`),
        `pipeline/${stage}.ts`,
      );
    }
  });

  it('checks and their harness never import a stage', () => {
    for (const f of under('checks')) {
      const stage = f.imports.find((i) => i.startsWith('pipeline/'));
      assert.equal(stage, undefined, `${f.file} imports ${stage}`);
    }
  });

  it('only the check stage imports checks (the twin stage takes fake data from the harness, to calibrate)', () => {
    for (const f of all.filter((x) => !x.file.startsWith('checks/') && x.file !== 'pipeline/check.ts')) {
      const allowed = f.file === 'pipeline/twin.ts' ? ['checks/harness/fake-inputs.ts'] : [];
      const check = f.imports.find((i) => i.startsWith('checks/') && !allowed.includes(i));
      assert.equal(check, undefined, `${f.file} imports ${check}`);
    }
  });

  it('config and the watchdog process load no check and no tfjs code of the tool', () => {
    // The command's entry loads the pipeline only in the child process, by a dynamic import.
    for (const [light, dynamic] of [
      ['config.ts', true],
      ['cli/isolate.ts', true],
      ['cli/entry.ts', false],
    ] as const) {
      const loaded = [...closure(light, dynamic)].filter(
        (f) => f.startsWith('checks/') || f.startsWith('tfjs/') || f.startsWith('pipeline/'),
      );
      assert.deepEqual(loaded, [], `${light} loads ${loaded.join(', ')}`);
    }
  });

  it('keeps model/ to the hand-off types: it imports only model/ (and type-only tfjs knowledge)', () => {
    for (const f of under('model')) {
      const text = readFileSync(join(SRC, f.file), 'utf8');
      for (const spec of f.imports.filter((i) => !i.startsWith('model/'))) {
        assert.ok(spec.startsWith('tfjs/') || spec.startsWith('../stubs/'), `${f.file} imports ${spec}`);
        assert.match(
          text,
          new RegExp(`import type [^;]*'[^']*${spec.replace(/^.*\//, '').replace('.ts', '.js')}'`),
          `${f.file}: ${spec} must be a type-only import`,
        );
      }
    }
  });
});
