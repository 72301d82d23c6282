import type { FastifyInstance } from 'fastify';
import { routes as r } from '../../contract/routes.js';
import { buildOpenApiDocument } from '../../contract/openapi.js';
import * as analytics from '../../services/analytics.js';
import * as chat from '../../services/chat.js';
import type { ServiceDeps } from '../../services/deps.js';
import * as entries from '../../services/entries.js';
import * as health from '../../services/health.js';
import * as sessions from '../../services/sessions.js';
import * as topics from '../../services/topics.js';
import * as users from '../../services/users.js';
import { answer, register } from '../register.js';

/** Routes only translate HTTP to service calls; everything else lives in services/ and domain/. */
export function registerRoutes(app: FastifyInstance, deps: ServiceDeps): void {
  // Built on first request: generating it costs boot time that restarts should not pay.
  let openapi: Record<string, unknown> | undefined;

  register(app, r.liveness, async () => ({ status: 'ok' }));
  register(app, r.readiness, async () => {
    const h = await health.readiness(deps);
    return answer(h.status, h.body);
  });
  register(app, r.openapi, async () => (openapi ??= buildOpenApiDocument()));

  register(app, r.createUser, async ({ body }) => answer(201, await users.createUser(deps, body)));
  register(app, r.getUser, async ({ params }) => users.getUser(deps, params.id));

  register(app, r.createTopic, async ({ body }) => {
    const { topic, created } = await topics.createTopic(deps, body);
    return answer(created ? 201 : 200, topic);
  });
  register(app, r.listTopics, async ({ query }) => topics.listTopics(deps, query.user_id));
  register(app, r.getTopic, async ({ params, query }) => topics.getTopic(deps, query.user_id, params.id));
  register(app, r.deleteTopic, async ({ params, query }) => {
    await topics.deleteTopic(deps, query.user_id, params.id);
    return answer(204, null);
  });

  register(app, r.createEntry, async ({ body, headers }) => answer(201, await entries.createEntry(deps, body, headers['idempotency-key'])));
  register(app, r.listEntries, async ({ query }) => entries.listEntries(deps, query));
  register(app, r.moodAnalytics, async ({ query }) => analytics.getMoodAnalytics(deps, query));
  register(app, r.writingAnalytics, async ({ query }) => analytics.getWritingAnalytics(deps, query));
  register(app, r.getEntry, async ({ params, query }) => entries.getEntry(deps, query.user_id, params.id));
  register(app, r.updateEntry, async ({ params, query, body }) => entries.updateEntry(deps, query.user_id, params.id, body));
  register(app, r.deleteEntry, async ({ params, query }) => {
    await entries.deleteEntry(deps, query.user_id, params.id);
    return answer(204, null);
  });

  register(app, r.chatMessage, async ({ body, headers }) => chat.chatMessage(deps, body, headers['idempotency-key']));
  register(app, r.conversations, async ({ query }) => chat.conversations(deps, query.user_id, query.limit));
  register(app, r.history, async ({ params, query }) => chat.history(deps, query.user_id, params.session_id, query.limit));
  register(app, r.startConversation, async ({ body }) => answer(201, await chat.startConversation(deps, body)));
  register(app, r.endConversation, async ({ params, query }) => chat.endConversation(deps, query.user_id, params.session_id));
  register(app, r.modes, async () => chat.modes());
  register(app, r.styles, async () => chat.styles());
  register(app, r.chatStats, async ({ query }) => health.chatStats(deps, query.user_id));
  register(app, r.chatHealth, async () => {
    const h = await health.chatHealth(deps);
    return answer(h.status, h.body);
  });

  register(app, r.createSession, async ({ body, headers }) =>
    answer(201, await sessions.createSession(deps, body, headers['idempotency-key'])),
  );
  register(app, r.listSessions, async ({ query }) => sessions.listSessions(deps, query));
  register(app, r.getSession, async ({ params, query }) => sessions.getSession(deps, query.user_id, params.id));
  register(app, r.sessionMessages, async ({ params, query }) => sessions.sessionMessages(deps, query.user_id, params.id, query.limit));
  register(app, r.postSessionMessage, async ({ params, body, headers }) =>
    answer(201, await sessions.postSessionMessage(deps, params.id, body, headers['idempotency-key'])),
  );
  register(app, r.deleteSession, async ({ params, query }) => {
    await sessions.deleteSession(deps, query.user_id, params.id);
    return answer(204, null);
  });
  register(app, r.exportSession, async ({ params, query }) => {
    const e = await sessions.exportSession(deps, query.user_id, params.id);
    return query.format === 'markdown' ? answer(200, sessions.exportToMarkdown(e), 'text/markdown; charset=utf-8') : e;
  });
}
