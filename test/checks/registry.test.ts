import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/registry.js';
import { CHECK_IDS } from '../../src/model/check-id.js';

describe('the check registry', () => {
  it('holds one check per id of the contract, under its own id', () => {
    assert.deepEqual(Object.keys(CHECKS).sort(), [...CHECK_IDS].sort());
    for (const [id, check] of Object.entries(CHECKS)) assert.equal(check.id, id);
  });

  it('runs every check after the checks it requires', () => {
    for (const check of Object.values(CHECKS)) {
      for (const required of check.requires ?? []) {
        assert.ok(CHECK_IDS.indexOf(required) < CHECK_IDS.indexOf(check.id), `${check.id} requires ${required}, which runs later`);
      }
    }
  });
});
