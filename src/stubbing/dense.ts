import { CONV_CLASSES, RECURRENT_CLASSES, type StubStrategy } from './strategy.js';

/**
 * Features in, features out along the last axis: a Dense layer, or a nested model that maps each
 * step of a sequence on its own ([batch, steps, f] -> [batch, steps, g], nothing recurrent or
 * convolutional inside). Per step, like the original: a stub that averaged over time would mix
 * padded and future steps into every output, which the original does not.
 */
export const dense: StubStrategy = {
  matches: (f) => {
    if (f.inputShapes.length !== 1 || f.outputShapes.length !== 1) return false;
    const input = f.inputShapes[0] ?? [];
    const output = f.outputShapes[0] ?? [];
    if (f.type === 'layer') return f.className === 'Dense' && input.length === output.length;
    const perStep = input.length === 3 && output.length === 3 && input[1] === output[1];
    return (
      perStep &&
      !f.innerClasses.some((c) => RECURRENT_CLASSES.test(c) || CONV_CLASSES.test(c) || /Attention|Flatten|Pooling|Reshape|Permute/.test(c))
    );
  },
};
