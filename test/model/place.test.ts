import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, placeNames, placeText } from '../../src/model/place.js';

describe('places', () => {
  it('are written in where as the reports always wrote them', () => {
    assert.equal(placeText({ kind: 'boundary', from: 'crop', to: 'motion' }), 'crop -> motion');
    assert.equal(placeText({ kind: 'layer', name: 'fuse' }), "layer 'fuse'");
    assert.equal(placeText({ kind: 'input', name: 'tokens' }), "input 'tokens'");
    assert.equal(placeText({ kind: 'output', name: 'label' }), "output 'label'");
  });

  it('name both ends of a boundary, one name otherwise', () => {
    assert.deepEqual(placeNames({ kind: 'boundary', from: 'a', to: 'b' }), ['a', 'b']);
    assert.deepEqual(placeNames({ kind: 'output', name: 'y' }), ['y']);
  });

  it('give a finding its where and place together', () => {
    assert.deepEqual(at.layer('x'), { where: "layer 'x'", place: { kind: 'layer', name: 'x' } });
    assert.deepEqual(at.boundary('a', 'b'), { where: 'a -> b', place: { kind: 'boundary', from: 'a', to: 'b' } });
  });
});
