import { describe, it, expect } from 'vitest';
import { CONVERSATION_MODES, SESSION_TYPES } from '../contract/enums.js';
import { conversationStage, sessionTypeForMode } from './conversation.js';

describe('conversationStage', () => {
  it.each([
    [1, 'opening'],
    [2, 'exploration'],
    [3, 'exploration'],
    [4, 'insight_building'],
    [5, 'insight_building'],
    [6, 'action_planning'],
    [7, 'action_planning'],
    [8, 'closure'],
    [9, 'closure'],
    [10, 'follow_up'],
    [11, 'follow_up'],
    [500, 'follow_up'],
  ] as const)('turn %i is %s', (turn, stage) => {
    expect(conversationStage(turn)).toBe(stage);
  });

  it('treats a count below 1 as the opening', () => {
    expect(conversationStage(0)).toBe('opening');
  });
});

describe('sessionTypeForMode', () => {
  it.each([
    ['supportive_listening', 'free_chat'],
    ['crisis_support', 'free_chat'],
    ['therapeutic_guidance', 'reflection_buddy'],
    ['reflection_facilitation', 'reflection_buddy'],
    ['emotional_processing', 'reflection_buddy'],
    ['cognitive_reframing', 'pattern_detective'],
    ['mindfulness_coaching', 'inner_voice'],
    ['goal_setting', 'growth_challenge'],
  ] as const)('%s maps to %s', (mode, type) => {
    expect(sessionTypeForMode(mode)).toBe(type);
  });

  it('maps every mode to a valid session type', () => {
    for (const mode of CONVERSATION_MODES) expect(SESSION_TYPES).toContain(sessionTypeForMode(mode));
  });
});
