/**
 * Bug zoo: vae-sampling-at-inference (near miss: ok-vae-sampling).
 *
 * A variational autoencoder for 28x28 digits: the encoder is a nested model that ends in the
 * user's own sampling layer (z = mean + exp(logVar / 2) * noise); a nested decoder reconstructs.
 *
 *   pixels -> encoder (nested: hidden -> z_mean, z_log_var -> Sampling) -> decoder -> reconstruction
 *
 * Bug: the sampling layer draws noise at inference too (it ignores `training`), so two predictions
 * of the same digit differ: the encoder that holds it is not a function of its input.
 * Expected: determinism reports the encoder (its output differs between two calls).
 */
import * as tf from '@tensorflow/tfjs';

const ALWAYS_SAMPLE = true;

class Sampling extends tf.layers.Layer {
  static className = 'Sampling';
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const [mean, logVar] = inputs as tf.Tensor[];
    return tf.tidy(() => {
      if (!ALWAYS_SAMPLE && !kwargs?.training) return mean!.clone();
      return tf.add(mean!, tf.mul(tf.exp(tf.mul(logVar!, 0.5)), tf.randomNormal(mean!.shape)));
    });
  }
  override computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape {
    return (shapes as tf.Shape[])[0]!;
  }
}
tf.serialization.registerClass(Sampling);

export default function buildVae(): tf.LayersModel {
  const pixels = tf.input({ shape: [784], name: 'pixels' });
  const encIn = tf.input({ shape: [784], name: 'enc_in' });
  const hidden = tf.layers.dense({ units: 256, activation: 'relu', name: 'enc_hidden' }).apply(encIn) as tf.SymbolicTensor;
  const mean = tf.layers.dense({ units: 8, name: 'z_mean' }).apply(hidden) as tf.SymbolicTensor;
  const logVar = tf.layers.dense({ units: 8, name: 'z_log_var' }).apply(hidden) as tf.SymbolicTensor;
  const z = new Sampling({ name: 'sampling' }).apply([mean, logVar]) as tf.SymbolicTensor;
  const encoder = tf.model({ inputs: encIn, outputs: z, name: 'encoder' });
  const decoder = tf.sequential({
    name: 'decoder',
    layers: [
      tf.layers.dense({ units: 256, activation: 'relu', inputShape: [8], name: 'dec_hidden' }),
      tf.layers.dense({ units: 784, activation: 'sigmoid', name: 'dec_out' }),
    ],
  });
  const reconstruction = decoder.apply(encoder.apply(pixels) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const model = tf.model({ inputs: pixels, outputs: reconstruction, name: 'vae' });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
