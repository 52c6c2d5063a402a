import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StubSpec } from '../../stubs/spec.js';
import type { SourceLocation } from '../../src/model/source.js';
import type { GraphSpec, TwinComponent, TwinSpec } from '../../src/model/twin-spec.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, 'fixtures');
export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(HERE, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

export interface Fixture {
  path: string;
  text: string;
  /** Where a rendered twin of this fixture goes (never written by the text tests). */
  outDir: string;
}

export function fixture(name: string): Fixture {
  const path = join(FIXTURES, `${name}.ts`);
  return { path, text: readFileSync(path, 'utf8'), outDir: join(FIXTURES, `${name}.mini`) };
}

/**
 * The 1-based position of `apply` inside the `nth` occurrence of `needle` (which must contain
 * `.apply(`): what a source-mapped V8 frame of that call reports.
 */
export function siteOf(fx: Fixture, needle: string, nth = 0): SourceLocation {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = fx.text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`fixture ${fx.path} has no occurrence ${nth} of ${needle}`);
  }
  const applyAt = at + needle.indexOf('.apply(') + 1;
  if (needle.indexOf('.apply(') < 0) throw new Error(`needle ${needle} holds no .apply(`);
  const before = fx.text.slice(0, applyAt).split('\n');
  return { file: fx.path, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

export function stubSpec(name: string, fields: Partial<StubSpec> & Pick<StubSpec, 'template' | 'inputShapes' | 'outputShapes'>): StubSpec {
  return {
    name,
    outputDtypes: fields.outputShapes.map(() => 'float32'),
    activation: 'linear',
    mask: { supports: false, consumes: false, emits: 'none' },
    seed: 7,
    ...fields,
  };
}

export function component(
  stub: StubSpec,
  className: string,
  applySites: SourceLocation[],
  extra: Partial<TwinComponent> = {},
): TwinComponent {
  return { name: stub.name, type: 'layer', className, stub, applySites, ...extra };
}

const EMPTY_GRAPH: GraphSpec = { inputs: [], layers: [], outputs: [] };

export function twinSpec(fx: Fixture, components: TwinComponent[], graph: GraphSpec = EMPTY_GRAPH): TwinSpec {
  return { compositeFile: fx.path, exportName: 'default', exportKind: 'factory', components, graph };
}

/** Writes a composite into a fresh temporary folder (for render-only tests: nothing there is run). */
export async function tempComposite(text: string, name = 'composite.ts'): Promise<Fixture & { dispose(): Promise<void> }> {
  const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'scaffold-mini-codegen-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return { path, text, outDir: join(dir, 'out'), dispose: () => rm(dir, { recursive: true, force: true }) };
}
