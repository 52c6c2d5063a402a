// Part of scaffold-mini's stub runtime: the template registry.
import type { StubSpec } from '../spec.js';
import { convTemplate } from './conv.js';
import { denseTemplate } from './dense.js';
import { embeddingTemplate } from './embedding.js';
import { genericTemplate } from './generic.js';
import { recurrentTemplate } from './recurrent.js';
import type { Template } from './types.js';

export const TEMPLATES: Record<StubSpec['template'], Template> = {
  conv: convTemplate,
  recurrent: recurrentTemplate,
  dense: denseTemplate,
  embedding: embeddingTemplate,
  generic: genericTemplate,
};

export type { Core, Template } from './types.js';
