import { AsyncLocalStorage } from "node:async_hooks";

/** What the code handling one HTTP request knows about it, wherever it runs (also in work it started). */
export interface RequestContext {
  reqId: string;
  /** The GraphQL operation the request ran, set once it is known (labels the request counter). */
  operation?: { type: string; name: string };
  /** Where the request came from (set once the server resolved proxies): the audit log records it. */
  client?: { ip: string; userAgent: string | null };
  /** The personal API key the request authenticated with, if any: the audit log's actor. */
  apiKeyId?: string | null;
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
