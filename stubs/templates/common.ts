// Part of scaffold-mini's stub runtime: checks shared by the single-output templates.
import { lastWidth } from '../projection.js';
import { formatShape, stubError } from '../shapes.js';
import type { StubShape, StubSpec } from '../spec.js';

/** Checks the parts every single-output template shares: one output, at least one input. */
export function requireOneOutput(spec: StubSpec): { input: StubShape; output: StubShape } {
  const input = spec.inputShapes[0];
  const output = spec.outputShapes[0];
  if (!input || !output) throw stubError(spec, 'needs at least one input shape and one output shape');
  if (spec.outputShapes.length !== 1) {
    throw stubError(spec, `produces one output, the original has ${spec.outputShapes.length}: use the 'generic' template`);
  }
  return { input, output };
}

/** Widths of the inputs after the first (for ExtraInputs), which must be fixed. */
export function extraWidths(spec: StubSpec): number[] {
  return spec.inputShapes.slice(1).map((s, i) => {
    const w = lastWidth(s);
    if (w === null) throw stubError(spec, `input ${i + 1} ${formatShape(s)} needs a fixed last axis`);
    return w;
  });
}
