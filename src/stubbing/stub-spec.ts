import type { StubSpec } from '../../stubs/spec.js';
import type { ComponentInfo } from '../model/component.js';

/** The stub runtime's description of a component: everything needed to stand in at its boundary. */
export function toStubSpec(info: ComponentInfo, seed: number): StubSpec {
  if (info.kind === 'layered') throw new Error(`internal: component '${info.name}' is stubbed layer by layer, not by one stub`);
  const spec: StubSpec = {
    name: info.name,
    template: info.kind,
    inputShapes: info.inputShapes.map((s) => [...s]),
    outputShapes: info.outputShapes.map((s) => [...s]),
    outputDtypes: [...info.outputDtypes],
    activation: info.outputActivation,
    mask: { ...info.masking },
    seed,
    originalParams: info.params,
  };
  if (info.recurrent) spec.recurrent = { ...info.recurrent };
  if (info.embedding) spec.embedding = { ...info.embedding };
  if (info.window) spec.window = info.window;
  if (info.conv) spec.conv = { strides: [...info.conv.strides], padding: info.conv.padding, kernel: [...info.conv.kernel] };
  return spec;
}

/** A per-component seed derived from the run's seed, so each stub differs but replays exactly. */
export function componentSeed(runSeed: number, index: number): number {
  return (Math.imul(runSeed ^ 0x9e3779b9, 2654435761) + index * 7919) >>> 0;
}
