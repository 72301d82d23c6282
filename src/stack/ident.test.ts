import { describe, expect, it } from 'vitest';
import { quoteIdent } from './ident.js';

describe('quoteIdent', () => {
  it('double-quotes and doubles embedded quotes', () => {
    expect(quoteIdent('journal')).toBe('"journal"');
    expect(quoteIdent('a"b; DROP DATABASE x; --')).toBe('"a""b; DROP DATABASE x; --"');
  });

  it('refuses names PostgreSQL would reject or silently truncate', () => {
    expect(() => quoteIdent('')).toThrow();
    expect(() => quoteIdent('a\0b')).toThrow();
    expect(() => quoteIdent('ä'.repeat(32))).toThrow(/63 bytes/);
    expect(quoteIdent('x'.repeat(63))).toHaveLength(65);
  });
});
