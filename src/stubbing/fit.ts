import { defineStubs } from '../../stubs/index.js';
import type { ComponentInfo } from '../model/component.js';
import type { Tf } from '../tfjs/tf-instance.js';
import { toStubSpec } from './stub-spec.js';

/**
 * Why no single stub of the component's template can stand in for it (the stub runtime refuses its
 * shapes), or null when one can. Constructing a stub validates its spec without building it.
 */
export function stubProblem(tf: Tf, info: ComponentInfo): string | null {
  try {
    defineStubs(tf).stub(toStubSpec(info, 1));
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
