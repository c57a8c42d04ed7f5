import { AsyncLocalStorage } from "node:async_hooks";

/** What the code handling one HTTP request knows about it, wherever it runs (also in work it started). */
export interface RequestContext {
  reqId: string;
  /** The GraphQL operation the request ran, set once it is known (labels the request counter). */
  operation?: { type: string; name: string };
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequest<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** pino mixin: every log line written while handling a request carries its id. */
export function requestLogFields(): { reqId?: string } {
  const context = storage.getStore();
  return context ? { reqId: context.reqId } : {};
}
