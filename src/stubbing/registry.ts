import type { StubTemplate } from '../model/component.js';
import { conv } from './conv.js';
import { dense } from './dense.js';
import { embedding } from './embedding.js';
import { generic } from './generic.js';
import { recurrent } from './recurrent.js';
import type { ComponentFacts, StubStrategy } from './strategy.js';

/** Stub strategies in order of preference; `generic` always matches. */
const STUB_STRATEGIES = { embedding, recurrent, conv, dense, generic } as const satisfies Record<StubTemplate, StubStrategy>;

export function chooseTemplate(facts: ComponentFacts): StubTemplate {
  for (const [template, strategy] of Object.entries(STUB_STRATEGIES) as [StubTemplate, StubStrategy][]) {
    if (strategy.matches(facts)) return template;
  }
  return 'generic';
}
