/**
 * tfjs layer classes whose factory in `tf.layers` is not the class name with a lower-case first
 * letter (checked against @tensorflow/tfjs-layers 4.22 `exports_layers.d.ts`).
 */
const IRREGULAR_FACTORIES: Readonly<Record<string, string>> = {
  ELU: 'elu',
  PReLU: 'prelu',
  LSTM: 'lstm',
  LSTMCell: 'lstmCell',
  GRU: 'gru',
  GRUCell: 'gruCell',
  RNN: 'rnn',
  ConvLSTM2D: 'convLstm2d',
  ConvLSTM2DCell: 'convLstm2dCell',
  Conv1D: 'conv1d',
  Conv2D: 'conv2d',
  Conv2DTranspose: 'conv2dTranspose',
  Conv3D: 'conv3d',
  Conv3DTranspose: 'conv3dTranspose',
  SeparableConv2D: 'separableConv2d',
  DepthwiseConv2D: 'depthwiseConv2d',
  UpSampling2D: 'upSampling2d',
  ZeroPadding2D: 'zeroPadding2d',
  SpatialDropout1D: 'spatialDropout1d',
  AveragePooling1D: 'averagePooling1d',
  AveragePooling2D: 'averagePooling2d',
  AveragePooling3D: 'averagePooling3d',
  MaxPooling1D: 'maxPooling1d',
  MaxPooling2D: 'maxPooling2d',
  MaxPooling3D: 'maxPooling3d',
  GlobalAveragePooling1D: 'globalAveragePooling1d',
  GlobalAveragePooling2D: 'globalAveragePooling2d',
  GlobalMaxPooling1D: 'globalMaxPooling1d',
  GlobalMaxPooling2D: 'globalMaxPooling2d',
};

/** Config keys that hold a serialised layer (`{className, config}`) a factory wants as an instance. */
export const NESTED_LAYER_KEYS: Readonly<Record<string, readonly string[]>> = {
  TimeDistributed: ['layer'],
  Bidirectional: ['layer'],
  RNN: ['cell'],
  StackedRNNCells: ['cells'],
};

/** The name of the `tf.layers` factory that builds a built-in layer of this class (`Conv2D` -> `conv2d`). */
export function layerFactory(className: string): string {
  return IRREGULAR_FACTORIES[className] ?? className.charAt(0).toLowerCase() + className.slice(1);
}
