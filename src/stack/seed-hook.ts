/**
 * ─── PLACEHOLDER: seed scenario hook for `npm start` ────────────────────────────────────────────────
 * start.ts calls afterBoot() once the API is healthy and before it waits for Ctrl-C. Fill it in to
 * populate a fresh stack (e.g. run a populate scenario against ctx.apiUrl, using the model only when
 * ctx.modelReachable). It must be idempotent: it runs on every start, also on existing data. A throw is
 * printed and the stack keeps serving.
 */
export interface AfterBootContext {
  apiUrl: string;
  modelReachable: boolean;
}

export async function afterBoot(ctx: AfterBootContext): Promise<void> {
  void ctx;
}
