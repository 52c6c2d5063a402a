// The oracle's cases of a family for a seed: `clean` correct composites, then `bugs` injected ones
// (the family's operators in turn), each from the family's arbitrary at its own seed.
import fc from 'fast-check';
import type { OracleCase } from './case.js';
import { FAMILIES } from './families.js';

export function oracleCases(familyName: string, seed: number, clean: number, bugs: number): OracleCase[] {
  const family = FAMILIES.find((f) => f.name === familyName);
  if (!family) throw new Error(`no family '${familyName}' (families: ${FAMILIES.map((f) => f.name).join(', ')})`);
  const cases: OracleCase[] = [];
  const draw = (bug: OracleCase['bug'], index: number) => {
    const [built] = fc.sample(family.cases(bug), { seed: seed * 1000 + index, numRuns: 1 });
    if (!built) throw new Error('fast-check drew no case');
    const { params: _params, ...rest } = built;
    cases.push({ id: `${family.name}/${bug ?? 'clean'}#${seed}.${index}`, family: family.name, bug, ...rest });
  };
  for (let i = 0; i < clean; i++) draw(null, i);
  for (let i = 0; i < bugs; i++) draw(family.bugs[(seed + i) % family.bugs.length] ?? null, clean + i);
  return cases;
}
