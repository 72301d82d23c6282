import type { ConversationMode, ConversationStage, SessionType } from '../contract/enums.js';

/**
 * The stage follows the persisted conversation: `turnCount` is the number of user turns in the
 * session including the one being answered, so a first message is turn 1.
 */
export function conversationStage(turnCount: number): ConversationStage {
  if (turnCount <= 1) return 'opening';
  if (turnCount <= 3) return 'exploration';
  if (turnCount <= 5) return 'insight_building';
  if (turnCount <= 7) return 'action_planning';
  if (turnCount <= 9) return 'closure';
  return 'follow_up';
}

// A Record over the enum makes the compiler reject a new mode that nobody mapped.
const SESSION_TYPE_BY_MODE: Record<ConversationMode, SessionType> = {
  supportive_listening: 'free_chat',
  crisis_support: 'free_chat',
  therapeutic_guidance: 'reflection_buddy',
  reflection_facilitation: 'reflection_buddy',
  emotional_processing: 'reflection_buddy',
  cognitive_reframing: 'pattern_detective',
  mindfulness_coaching: 'inner_voice',
  goal_setting: 'growth_challenge',
};

/** The original service's mapping, used only when the client did not name a session type. */
export function sessionTypeForMode(mode: ConversationMode): SessionType {
  return SESSION_TYPE_BY_MODE[mode];
}
