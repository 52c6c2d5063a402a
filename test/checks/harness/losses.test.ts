// Every form of loss tfjs's compile takes is read back from the model: a name, tfjs's own
// functions (layers' and tf.metrics'), tf.losses (which take logits), the user's own function,
// a list per output and a map by output name; "not compiled" only when it is true.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { outputLosses } from '../../../src/checks/harness/losses.js';

await tf.setBackend('cpu');

function twoOutputs(): tf.LayersModel {
  const x = tf.input({ shape: [4] });
  const a = tf.layers.dense({ units: 3, activation: 'softmax', name: 'classes' }).apply(x) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'flag' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: [a, b] });
}

const read = (loss: tf.ModelCompileArgs['loss'] | undefined) => {
  const model = twoOutputs();
  if (loss !== undefined) model.compile({ optimizer: 'sgd', loss });
  return outputLosses(tf, model, ['softmax', 'sigmoid']).map((l) => ({
    name: l.name,
    compiled: l.compiled,
    reads: l.reads,
    targets: l.targets,
  }));
};

describe('outputLosses', () => {
  it('reads names, per output as a list or a map by output name', () => {
    assert.deepEqual(read(['sparseCategoricalCrossentropy', 'binaryCrossentropy']), [
      { name: 'sparseCategoricalCrossentropy', compiled: true, reads: 'probabilities', targets: 'class-index' },
      { name: 'binaryCrossentropy', compiled: true, reads: 'probabilities', targets: 'binary' },
    ]);
    assert.deepEqual(
      read({ flag: 'meanSquaredError', classes: 'categoricalCrossentropy' }).map((l) => l.name),
      ['categoricalCrossentropy', 'meanSquaredError'],
    );
  });

  it("recognises tfjs's own functions, tf.losses (logits) and the user's own", () => {
    const user = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.metrics.categoricalCrossentropy(yTrue, yPred);
    assert.deepEqual(read([tf.metrics.categoricalCrossentropy, tf.losses.sigmoidCrossEntropy as never]), [
      { name: 'categoricalCrossentropy', compiled: true, reads: 'probabilities', targets: 'one-hot' },
      { name: 'tf.losses.sigmoidCrossEntropy', compiled: true, reads: 'logits', targets: 'binary' },
    ]);
    assert.deepEqual(read([user, tf.metrics.binaryCrossentropy])[0], {
      name: 'custom',
      compiled: true,
      reads: 'probabilities',
      targets: 'one-hot',
    });
  });

  it("measures whether the user's own loss reads probabilities: flat outside [0, 1], as a clipped cross-entropy is", () => {
    const wrapped = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mul(tf.metrics.binaryCrossentropy(yTrue, yPred), 0.5);
    const focal = (yTrue: tf.Tensor, yPred: tf.Tensor) =>
      tf.tidy(() => {
        const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
        const pt = tf.add(tf.mul(yTrue, p), tf.mul(tf.sub(1, yTrue), tf.sub(1, p)));
        return tf.neg(tf.mean(tf.mul(tf.square(tf.sub(1, pt)), tf.log(pt)), -1));
      });
    const squared = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.square(tf.sub(yTrue, yPred)), -1);
    const onLogits = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred);
    const throws = (): tf.Tensor => {
      throw new Error('needs the batch');
    };
    const reads = (loss: unknown[]) => read(loss as never).map((l) => [l.reads, l.targets]);
    assert.deepEqual(reads([squared, wrapped]), [
      ['unknown', 'one-hot'],
      ['probabilities', 'binary'],
    ]);
    assert.deepEqual(reads([onLogits, focal]), [
      ['unknown', 'one-hot'],
      ['probabilities', 'binary'],
    ]);
    assert.deepEqual(reads([throws, throws]), [
      ['unknown', 'one-hot'],
      ['unknown', 'binary'],
    ]);
  });

  it('infers a loss from the activation only for a model that was not compiled', () => {
    assert.deepEqual(read(undefined), [
      { name: 'categoricalCrossentropy', compiled: false, reads: 'probabilities', targets: 'one-hot' },
      { name: 'binaryCrossentropy', compiled: false, reads: 'probabilities', targets: 'binary' },
    ]);
  });

  it('computes each loss with its own targets: class indices for a sparse loss, the function the user gave', () => {
    const model = twoOutputs();
    const user = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mul(tf.metrics.binaryCrossentropy(yTrue, yPred), 2);
    // tfjs takes names and functions in one list; its types take one kind or the other.
    model.compile({ optimizer: 'sgd', loss: ['sparseCategoricalCrossentropy', user] as never });
    const [sparse, custom] = outputLosses(tf, model, ['softmax', 'sigmoid']);
    tf.tidy(() => {
      const classes = sparse!.target(tf, [5, 3], 1);
      assert.deepEqual(classes.shape, [5, 1]);
      assert.ok(Array.from(classes.dataSync()).every((v) => Number.isInteger(v) && v >= 0 && v < 3));
      // The uniform prediction scores ln 3 under cross-entropy over 3 classes.
      assert.ok(Math.abs(sparse!.compute(tf, classes, tf.fill([5, 3], 1 / 3)).dataSync()[0]! - Math.log(3)) < 1e-5);
      const labels = custom!.target(tf, [4, 1], 2);
      assert.ok(Math.abs(custom!.compute(tf, labels, tf.fill([4, 1], 0.5)).dataSync()[0]! - 2 * Math.log(2)) < 1e-5);
    });
  });
});
