import { describe, expect, it } from 'vitest';
import { defineTarget, type TargetHooks } from './hooks.js';
import { ExternalTarget } from './target.js';

const target = (hooks: TargetHooks | null, env: NodeJS.ProcessEnv) =>
  new ExternalTarget(hooks, {
    apiUrl: 'http://127.0.0.1:8000',
    env,
    createUserViaApi: () => Promise.reject(new Error('not used')),
  });

describe("the model hook: where the suite serves its Ollama stub for a deployment's model-fault guarantees", () => {
  it('reads the URL from the variable the target names, which wins over its url', () => {
    const hooks = defineTarget({ name: 't', model: { env: 'OLLAMA_BASE_URL', url: 'http://127.0.0.1:11600' } });
    const t = target(hooks, { OLLAMA_BASE_URL: 'http://127.0.0.1:11500' });
    expect(t.modelUrl()).toBe('http://127.0.0.1:11500');
    expect(t.missing('model-stub')).toBeNull();
    expect(target(hooks, {}).modelUrl()).toBe('http://127.0.0.1:11600');
  });

  it('without the variable and without a url it is not applicable, naming the variable', () => {
    const t = target(defineTarget({ name: 't', model: { env: 'OLLAMA_BASE_URL' } }), {});
    expect(t.modelUrl()).toBeNull();
    expect(t.missing('model-stub')).toMatch(/OLLAMA_BASE_URL/);
  });

  it('JOURNAL_MODEL_URL serves a deployment without a module; neither gives the reason', () => {
    expect(target(null, { JOURNAL_MODEL_URL: 'http://127.0.0.1:11500' }).missing('model-stub')).toBeNull();
    expect(target(null, {}).missing('model-stub')).toMatch(/JOURNAL_MODEL_URL/);
    expect(target(defineTarget({ name: 'mine' }), {}).missing('model-stub')).toMatch(/"mine" has no model hook/);
  });

  it('refuses a URL that is not http(s)://host:port', () => {
    expect(target(null, { JOURNAL_MODEL_URL: 'http://127.0.0.1:11500/api' }).missing('model-stub')).toMatch(/not http/);
    expect(target(null, { JOURNAL_MODEL_URL: '127.0.0.1:11500' }).missing('model-stub')).toMatch(/not http/);
  });
});
