import { describe, expect, it } from 'vitest';
import { newChatTurn, newUser } from '../../helpers/factories.js';
import { useStack } from '../../helpers/stack.js';

// Issue 16 row 2: a session started by POST /chat/message is titled with the theme or the message cut to
// 80 UTF-16 units. Cut by units, the cut split a surrogate pair and the title was stored ending in U+FFFD.
// The cut is on a grapheme boundary: the title is the longest run of whole user-perceived characters
// within 80 units (docs/CONTRACT.md, Chat).
const stack = useStack();

const a79 = 'a'.repeat(79);
const cases = [
  // The emoji is a surrogate pair at units 79-80: cut by units, its high half was kept.
  { name: 'a surrogate pair across the limit', text: `${a79}\u{1F600} rest`, title: a79 },
  // Thumbs up + skin tone: two pairs, one character; a cut on code points would keep the bare thumb.
  { name: 'an emoji with a modifier across the limit', text: `${'a'.repeat(77)}\u{1F44D}\u{1F3FD} rest`, title: 'a'.repeat(77) },
  // e + combining acute: a cut on code points would drop the accent and keep a bare "e".
  { name: 'a combining mark across the limit', text: `${a79}e\u0301 rest`, title: a79 },
  // A character that ends exactly at unit 80 is kept whole.
  { name: 'a surrogate pair ending at the limit', text: `${'a'.repeat(78)}\u{1F600} rest`, title: `${'a'.repeat(78)}\u{1F600}` },
];

describe('#16.2 chat session titles are cut on a character boundary', () => {
  for (const c of cases) {
    it(`${c.name}: from the message and from context_metadata.theme`, async () => {
      const user = (await newUser(stack.api)).got;
      const fromMessage = (await newChatTurn(stack.api, user, { message: c.text })).got;
      const fromTheme = (await newChatTurn(stack.api, user, { message: 'hello', context_metadata: { theme: c.text } })).got;
      for (const turn of [fromMessage, fromTheme]) {
        const session = await stack.api.ok('getSession', { params: { id: turn.session_id }, query: { user_id: user.id } });
        expect(session.title).toBe(c.title);
        expect(session.title).not.toContain('\uFFFD');
      }
      // The list reads the same stored row.
      const listed = await stack.api.ok('listSessions', { query: { user_id: user.id } });
      expect(listed.map((s) => s.title).sort()).toEqual([c.title, c.title]);
    });
  }
});
