/**
 * Bug zoo near miss: ok-log-spectrum (of dead-relu).
 *
 * A machine-fault detector on a vibration sensor's power spectrum (62 bins): the spectrum is
 * log-scaled by the user's own layer, then a narrow ReLU layer, a wider one and a sigmoid.
 *
 *   spectrum -> log_scale -> narrow (Dense 10, relu) -> wide (Dense 74, relu) -> fault (1, sigmoid)
 *
 * Not a bug: the log puts every input below zero, so whether the 10 narrow units are on depends
 * on the initial weights; on some draws (seeds 1 and 10 here) every unit is off for the samples
 * being fitted and the loss cannot move, on the others training goes fine. A real training starts
 * from a draw of its own: an initialisation that can get stuck is information, not an error.
 * Expected: no error from any check (overfit and gradient-flow confirm on other weight draws).
 */
import * as tf from '@tensorflow/tfjs';

class LogScale extends tf.layers.Layer {
  static className = 'LogScale';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.log(tf.add(Array.isArray(inputs) ? inputs[0]! : inputs, 0.001)));
  }
}
tf.serialization.registerClass(LogScale);

export default function buildFaultDetector(): tf.LayersModel {
  const model = tf.sequential({ name: 'fault_detector' });
  model.add(new LogScale({ name: 'log_scale', inputShape: [62] }));
  model.add(tf.layers.dense({ units: 10, activation: 'relu', name: 'narrow' }));
  model.add(tf.layers.dense({ units: 74, activation: 'relu', name: 'wide' }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'fault' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
