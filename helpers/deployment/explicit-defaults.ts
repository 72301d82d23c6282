import type { z } from 'zod';

/**
 * A request body with every field our contract defaults written out (`entry_type: 'journal'`,
 * `conversation_mode: 'supportive_listening'`, ...). The same request under this project's contract, and
 * it no longer leans on the target sharing our defaults: the original service, for one, requires
 * `entry_type`. Fields the test sent, and bodies that are not objects, are left as they are.
 */
export function withExplicitDefaults(schema: z.ZodType | undefined, body: unknown): unknown {
  const shape = (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
  if (!shape || !body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const [k, field] of Object.entries(shape)) {
    const found = defaultOf(field);
    if (found && !(k in out)) out[k] = structuredClone(found.value);
  }
  return out;
}

type Def = { type: string; defaultValue?: unknown; in?: z.ZodType; innerType?: z.ZodType };

/** The default a field declares, through the pipes and wrappers around it (`withDefault` is a pipe). */
function defaultOf(field: z.ZodType, depth = 0): { value: unknown } | null {
  const def = field._zod.def as Def;
  if (def.type === 'default') return { value: def.defaultValue };
  const inner = def.type === 'pipe' ? def.in : def.innerType;
  return inner && depth < 8 ? defaultOf(inner, depth + 1) : null;
}
