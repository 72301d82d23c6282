import { MOOD_TYPES } from '../contract/index.js';
import type { Api } from './api.js';
import type { Report } from './report.js';

/**
 * What the API itself says after a run, read back through public routes only: the population report
 * says what the run believes it did, this says what a client of the API now sees.
 */
export async function verificationLines(api: Api, userId: string, report: Report): Promise<string[]> {
  const q = { user_id: userId };
  const [topics, entries, conversations, health, stats, mood, writing] = await Promise.allSettled([
    api.call('listTopics', { query: q }),
    api.call('listEntries', { query: { ...q, limit: 1000 } }),
    api.call('conversations', { query: { ...q, limit: 200 } }),
    api.call('chatHealth'),
    api.call('chatStats', { query: q }),
    api.call('moodAnalytics', { query: { ...q, days: 30 } }),
    api.call('writingAnalytics', { query: { ...q, days: 30 } }),
  ]);
  const show = <T>(r: PromiseSettledResult<T>, f: (v: T) => string) =>
    r.status === 'fulfilled' ? f(r.value) : `unavailable (${(r.reason as Error).message})`;
  const persisted = report.entries.created + report.entries.existing;
  const sessionsOk = report.sessions.created + report.sessions.existing;

  return [
    `Verification (read back from ${api.baseUrl} for user ${userId}):`,
    `  run: ${report.topics.created} topics created / ${report.topics.existing} already there, ${report.entries.created} entries created / ${report.entries.existing} already there, ${report.sessions.created} sessions created / ${report.sessions.existing} already there; every one read back before it was counted (${persisted} entries, ${sessionsOk} sessions, ${report.messages.ok} messages)`,
    `  topics:        ${show(topics, (r) => `${r.body.length} (${r.body.map((t) => `${t.name}: ${t.entry_count}`).join(', ')})`)}`,
    `  entries:       ${show(entries, (r) => `${r.body.length} stored`)}`,
    `  conversations: ${show(conversations, (r) => `${r.body.total_count} (${r.body.conversations.map((c) => `${c.session_type} ${c.message_count} msgs`).join(', ')})`)}`,
    `  /chat/health:  ${show(health, (r) => `${r.body.status} (database ${r.body.database_available ? 'up' : 'down'}, model ${r.body.llm_service_available ? 'up' : 'down'})`)}`,
    `  /chat/stats:   ${show(stats, (r) => `${r.body.service_stats.total_conversations} conversations, ${r.body.service_stats.messages_processed} messages, ${r.body.service_stats.active_conversations} active`)}`,
    `  mood (30 d):   ${show(mood, (r) => `${r.body.statistics.total_entries} entries, sentiment ${r.body.statistics.overall_sentiment ?? 'n/a'}, ${MOOD_TYPES.map((m) => `${m} ${r.body.mood_distribution[m].count}`).join(', ')}; chat messages ${r.body.chat.messages}`)}`,
    `  writing (30 d): ${show(writing, (r) => `${r.body.total_words} words in ${r.body.total_entries} entries on ${r.body.active_days} day(s), streak ${r.body.streak_info.current_streak} (longest ${r.body.streak_info.longest_streak})`)}`,
  ];
}
