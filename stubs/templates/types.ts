// Part of scaffold-mini's stub runtime: the contract between the MiniStub layer and its templates.
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../projection.js';
import type { StubShape, StubSpec } from '../spec.js';

/** What a template gets when the stub is built. */
export interface BuildContext {
  tf: Tf;
  spec: StubSpec;
  /** Width of the tiny learned core (2, or 1 when the parameter budget demands it). */
  k: number;
  /** A seed for one purpose (`salt`) inside this stub, derived from `spec.seed`. */
  seed(salt: number): number;
  /** Prefix for the names of inner layers (never auto-named: that would shift the user's names). */
  prefix: string;
  /**
   * The final activation the core applies itself, fused into its last projection ('linear' when
   * the stub applies it afterwards). Set only for templates with `fusesActivation`.
   */
  activation: string;
}

/** The built computation of one stub. */
export interface Core {
  /** Inner layers; their weights are the stub's weights. */
  readonly layers: tfjs.layers.Layer[];
  /** Fixed projections (not weights), disposed with the stub. */
  readonly constants: tfjs.Tensor[];
  /**
   * The outputs before the final activation (unless `BuildContext.activation` made the core apply
   * it) and the dtype cast, float32, in the exact output shapes for these inputs. `mask` is the received mask, given only when the original consumes it.
   */
  forward(inputs: tfjs.Tensor[], mask: tfjs.Tensor | null): tfjs.Tensor[];
  /**
   * Recurrent cores only: the state after every step, [batch, steps, units * directions], run 0
   * at position k after its k-th step, the backward run of a bidirectional core at position
   * steps - 1 - k (as tfjs returns sequences).
   */
  steps?(inputs: tfjs.Tensor[], mask: tfjs.Tensor | null): tfjs.Tensor;
}

export interface Template {
  /** Its single output ends in a projection that can apply a fast final activation itself. */
  readonly fusesActivation?: boolean;
  /** Throws an Error naming the component when the spec cannot work with this template. */
  validate(spec: StubSpec): void;
  /**
   * The output shapes for these input shapes, free dims resolved from the inputs where they
   * correspond. Axis 0 (batch) is filled in by the caller.
   */
  outputShapes(spec: StubSpec, inputShapes: StubShape[]): StubShape[];
  /** Trainable parameters of the core at width `k`. */
  params(spec: StubSpec, k: number): number;
  create(ctx: BuildContext): Core;
}
