import { type DocumentNode, getOperationAST, Kind, type SelectionSetNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import type { Context } from "../graphql/context.js";
import { appError } from "../graphql/errors.js";
import type { RateLimiters } from "./rate-limiters.js";

interface Quota {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** The mutations that start a paid provider call: each counts against the message limit. */
export const PAID_MUTATIONS: ReadonlySet<string> = new Set([
  "sendMessage",
  "regenerateMessage",
  "editMessage",
]);

/** How many times an operation calls one of `fields` (aliases count; fragments on Mutation too). */
export function countRootFields(
  document: DocumentNode,
  operationName: string | null | undefined,
  fields: ReadonlySet<string>,
): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return 0;
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION
        ? [[definition.name.value, definition.selectionSet] as const]
        : [],
    ),
  );
  const count = (selectionSet: SelectionSetNode, seen: Set<string>): number =>
    selectionSet.selections.reduce((total, selection) => {
      if (selection.kind === Kind.FIELD) return total + (fields.has(selection.name.value) ? 1 : 0);
      if (selection.kind === Kind.INLINE_FRAGMENT) return total + count(selection.selectionSet, seen);
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || seen.has(name)) return total;
      return total + count(fragment, new Set([...seen, name]));
    }, 0);
  return count(operation.selectionSet, new Set());
}

/**
 * Requests per minute per API key and per user (per IP when anonymous), and messages per minute
 * for every operation that starts a provider call (sending, regenerating, editing). A limited operation answers RATE_LIMITED with `retryAfter` seconds and HTTP 429;
 * every response carries RateLimit-* headers for the tightest quota it used.
 */
export function useRateLimits(limiters: RateLimiters): Plugin {
  const quotas = new WeakMap<Request, Quota>();

  async function take(request: Request, limiter: RateLimiterAbstract, key: string, points = 1) {
    const limit = limiter.points;
    try {
      const result = await limiter.consume(key, points);
      record(request, {
        limit,
        remaining: result.remainingPoints,
        resetSeconds: Math.ceil(result.msBeforeNext / 1000),
      });
      return null;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      record(request, { limit, remaining: 0, resetSeconds: retryAfter });
      return retryAfter;
    }
  }

  function record(request: Request, quota: Quota) {
    const previous = quotas.get(request);
    if (!previous || quota.remaining / quota.limit <= previous.remaining / previous.limit)
      quotas.set(request, quota);
  }

  async function check(context: Context, document: DocumentNode, operationName: string | null | undefined) {
    const { viewer, request } = context;
    const checks: [RateLimiterAbstract, string, number][] = [];
    if (viewer?.apiKeyId) checks.push([limiters.apiKeyRequests, `key:${viewer.apiKeyId}`, 1]);
    checks.push([limiters.requests, viewer ? `user:${viewer.userId}` : `ip:${context.clientIp}`, 1]);
    const messages = viewer ? countRootFields(document, operationName, PAID_MUTATIONS) : 0;
    if (messages > 0) checks.push([limiters.messages, `user:${viewer!.userId}`, messages]);
    for (const [limiter, key, points] of checks) {
      const retryAfter = await take(request, limiter, key, points);
      if (retryAfter !== null) {
        const what = limiter === limiters.messages ? "messages" : "requests";
        return appError("RATE_LIMITED", `Too many ${what}. Try again in ${retryAfter} seconds.`, {
          retryAfter,
          http: { status: 429, headers: { "retry-after": String(retryAfter) } },
        });
      }
    }
    return null;
  }

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const error = await check(args.contextValue as unknown as Context, args.document, args.operationName);
      if (error) setResultAndStopExecution({ data: null, errors: [error] });
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const error = await check(args.contextValue as unknown as Context, args.document, args.operationName);
      if (error) setResultAndStopExecution({ data: null, errors: [error] });
    },
    onResponse({ request, response }) {
      const quota = quotas.get(request);
      if (!quota) return;
      response.headers.set("ratelimit-limit", String(quota.limit));
      response.headers.set("ratelimit-remaining", String(Math.max(0, quota.remaining)));
      response.headers.set("ratelimit-reset", String(quota.resetSeconds));
      if (quota.remaining <= 0) response.headers.set("retry-after", String(quota.resetSeconds));
    },
  };
}
