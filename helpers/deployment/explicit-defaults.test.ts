import { describe, expect, it } from 'vitest';
import { CreateEntryBody } from '../../src/contract/entries.js';
import { withExplicitDefaults } from './explicit-defaults.js';

describe('explicit defaults', () => {
  it('writes out the fields our contract defaults, keeps what was sent, leaves empty and non-object bodies alone', () => {
    expect(withExplicitDefaults(CreateEntryBody, { title: 't', tags: ['a'] })).toEqual({ title: 't', tags: ['a'], entry_type: 'journal' });
    expect(withExplicitDefaults(CreateEntryBody, {})).toEqual({});
    expect(withExplicitDefaults(CreateEntryBody, 'x')).toBe('x');
    expect(withExplicitDefaults(undefined, { a: 1 })).toEqual({ a: 1 });
  });
});
