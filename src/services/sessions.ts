import type { z } from 'zod';
import type {
  CreateSessionBody,
  ListSessionsQuery,
  PostSessionMessageBody,
  PostSessionMessageResponse,
  Session,
  SessionExport,
} from '../contract/sessions.js';
import { dateFilterBound } from '../contract/common.js';
import { allMessages, insertSession, listSessions as listSessionRows, recentMessages, softDeleteSession } from '../db/queries/chat.js';
import type { SessionRow } from '../db/schema.js';
import { detectLanguage } from '../domain/text.js';
import { historyLimit, prepareTurn } from './chat-turn.js';
import type { ServiceDeps } from './deps.js';
import { writeOnce } from './idempotency.js';
import { iso, toMessage, toSession } from './mappers.js';
import { owned, ownSession, requireUser } from './ownership.js';

const RECENT = 5;

const withRecent = async (deps: ServiceDeps, s: SessionRow): Promise<Session> => toSession(s, await recentMessages(deps.db, s.id, RECENT));

export async function createSession(deps: ServiceDeps, body: z.infer<typeof CreateSessionBody>, idempotencyKey?: string): Promise<Session> {
  const idem = idempotencyKey ? { userId: body.user_id, scope: 'sessions.create', key: idempotencyKey, body } : undefined;
  return writeOnce(deps, idem, async () => {
    await requireUser(deps, body.user_id);
    return async (db) =>
      toSession(
        await insertSession(db, {
          user_id: body.user_id,
          session_type: body.session_type,
          // The contract checks it against the enum: later turns of the session use it.
          conversation_mode: body.metadata.conversation_mode ?? 'supportive_listening',
          title: body.title ?? null,
          description: body.description ?? null,
          tags: body.tags,
          metadata: body.metadata,
          created_at: deps.now(),
        }),
        [],
      );
  });
}

export async function listSessions(deps: ServiceDeps, q: z.infer<typeof ListSessionsQuery>): Promise<Session[]> {
  await requireUser(deps, q.user_id);
  const rows = await listSessionRows(deps.db, {
    userId: q.user_id,
    limit: q.limit,
    status: q.status,
    sessionType: q.session_type,
    from: dateFilterBound(q.date_from, 'from'),
    to: dateFilterBound(q.date_to, 'to'),
    theme: q.theme,
  });
  return Promise.all(rows.map((s) => withRecent(deps, s)));
}

export async function getSession(deps: ServiceDeps, userId: string, id: string): Promise<Session> {
  return withRecent(deps, await ownSession(deps, userId, id, 'id'));
}

export async function sessionMessages(deps: ServiceDeps, userId: string, id: string, limit: number) {
  const s = await ownSession(deps, userId, id, 'id');
  return (await recentMessages(deps.db, s.id, limit)).map(toMessage);
}

export async function postSessionMessage(
  deps: ServiceDeps,
  id: string,
  body: z.infer<typeof PostSessionMessageBody>,
  idempotencyKey?: string,
): Promise<z.infer<typeof PostSessionMessageResponse>> {
  const idem = idempotencyKey ? { userId: body.user_id, scope: 'session.message', key: idempotencyKey, body: { id, ...body } } : undefined;
  return writeOnce(deps, idem, async () => {
    const session = await ownSession(deps, body.user_id, id, 'id', historyLimit(body.role));
    const language = detectLanguage(body.content);
    const write = await prepareTurn(deps, {
      userId: body.user_id,
      target: { session, path: 'id' },
      message: body.content,
      role: body.role,
      mode: session.conversation_mode,
      style: 'empathetic',
      language,
      userMetadata: { language },
    });
    return async (db) => {
      const t = await write(db);
      return { user_message: toMessage(t.userMessage), assistant_message: t.assistantMessage ? toMessage(t.assistantMessage) : null };
    };
  });
}

export async function deleteSession(deps: ServiceDeps, userId: string, id: string): Promise<void> {
  await owned(deps, await softDeleteSession(deps.db, userId, id), { kind: 'session', userId, id, path: 'id' });
}

export async function exportSession(deps: ServiceDeps, userId: string, id: string): Promise<z.infer<typeof SessionExport>> {
  const s = await ownSession(deps, userId, id, 'id');
  return { session: await withRecent(deps, s), messages: (await allMessages(deps.db, s.id)).map(toMessage), exported_at: iso(deps.now()) };
}

/** Pure: the Markdown rendering of an export. */
export function exportToMarkdown(e: z.infer<typeof SessionExport>): string {
  const head = `# ${e.session.title ?? 'Conversation'}\n\n- Session: ${e.session.id}\n- Type: ${e.session.session_type}\n- Status: ${e.session.status}\n- Started: ${e.session.created_at}\n- Messages: ${e.messages.length}\n`;
  const body = e.messages
    .map((m) => `\n## ${m.sequence}. ${m.role} — ${m.timestamp}${m.is_fallback ? ' (fallback)' : ''}\n\n${m.content}\n`)
    .join('');
  return head + body;
}
