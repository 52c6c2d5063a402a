import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Project, ts } from 'ts-morph';
import { renderTwin } from '../../src/codegen/emit-twin.js';
import type { TwinSpec } from '../../src/model/twin-spec.js';
import { GENERATED_CASES } from './cases-generated.js';
import { CASES } from './cases.js';

/**
 * The project's own strictness. Files are created in memory beside the fixtures, so the real
 * node_modules resolves `@tensorflow/tfjs` and nothing is written to disk.
 */
function strictProject(): Project {
  return new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noImplicitOverride: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      noEmit: true,
    },
  });
}

describe('rendered twins compile', () => {
  it('every rendered .ts of every case type-checks without diagnostics', async () => {
    const project = strictProject();
    const specs: [string, TwinSpec][] = [
      ...Object.entries(CASES).map(([name, make]) => [name, make()] as [string, TwinSpec]),
      ...Object.entries(GENERATED_CASES).map(([name, make]) => [name, make()] as [string, TwinSpec]),
    ];
    const paths: string[] = [];
    for (const [name, spec] of specs) {
      // One folder per case, beside the fixtures (in memory only).
      const outDir = spec.compositeFile.replace(/[^/]+\.ts$/, `${name}.mini`);
      const rendered = await renderTwin(spec, { outDir });
      for (const file of rendered.files) {
        project.createSourceFile(file.path, file.contents, { overwrite: true });
        paths.push(file.path);
      }
    }
    const diagnostics = project.getPreEmitDiagnostics();
    assert.equal(diagnostics.length, 0, project.formatDiagnosticsWithColorAndContext(diagnostics));
    // The twins really were checked against their stubs and tfjs (not left out as unresolved).
    const twin = project.getSourceFileOrThrow(paths.find((p) => p.endsWith('inlineLstm.mini/inline-lstm.mini.ts')) ?? '');
    const stubsIndex = twin.getImportDeclarations().find((d) => d.getModuleSpecifierValue() === './stubs/index.js');
    assert.ok(stubsIndex?.getModuleSpecifierSourceFile(), 'the twin resolves its stubs');
    const tfjs = twin.getImportDeclarations().find((d) => d.getModuleSpecifierValue() === '@tensorflow/tfjs');
    assert.ok(tfjs?.getModuleSpecifierSourceFile(), 'the twin resolves @tensorflow/tfjs');
  });
});
