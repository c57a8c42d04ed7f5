import { type GraphQLError, getOperationAST } from "graphql";
import { createHandler } from "graphql-sse/lib/use/fetch";
import type { Plugin } from "graphql-yoga";
import type { PersistedOperations } from "../security/persisted-operations.js";

/**
 * graphql-sse (both of its modes) at `endpoint`, executed through Yoga's envelop so every plugin
 * (auth context, error masking, limits) applies.
 *
 * Modelled on @graphql-yoga/plugin-graphql-sse, with one fix: graphql-sse recognises an
 * execution result only when it has a `data` key, so validation errors and errors of the
 * subscribe resolver (e.g. NOT_FOUND) came back as a bare 400 "Unable to detect operation AST".
 * Here they are proper GraphQL results with `data: null` and their codes.
 */
export function useGraphQLSse(
  endpoint: string,
  persisted: PersistedOperations,
  maskError: (error: unknown) => Error,
): Plugin {
  const contextForRequest = new WeakMap<Request, Record<string, unknown>>();
  let handler: (request: Request) => Promise<Response>;
  return {
    onYogaInit({ yoga }) {
      handler = createHandler(
        {
          onSubscribe: async (req, params) => {
            const enveloped = yoga.getEnveloped({
              ...contextForRequest.get(req.raw),
              request: req.raw,
              params,
            });
            let document: ReturnType<typeof enveloped.parse>;
            try {
              document = enveloped.parse(persisted.resolveQuery(req.raw, params));
            } catch (error) {
              return { data: null, errors: [error as GraphQLError] };
            }
            let errors: readonly GraphQLError[];
            try {
              errors = enveloped.validate(enveloped.schema, document);
            } catch (error) {
              // Some rules (GraphQL Armor's cost limit) throw their rejection instead of reporting it.
              // (By name: the rule may hold its own copy of graphql, where instanceof would fail.)
              if (!(error instanceof Error && error.name === "GraphQLError")) throw error;
              errors = [error as GraphQLError];
            }
            if (errors.length > 0) return { data: null, errors };
            const contextValue = await enveloped.contextFactory();
            const args = {
              schema: enveloped.schema,
              document,
              contextValue,
              variableValues: params.variables,
              operationName: params.operationName,
            };
            const isSubscription =
              getOperationAST(document, params.operationName)?.operation === "subscription";
            const result = await (isSubscription ? enveloped.subscribe(args) : enveloped.execute(args));
            return Symbol.asyncIterator in result
              ? endingWithError(result, maskError)
              : { data: null, ...result };
          },
        },
        yoga.fetchAPI,
      );
    },
    onRequest({ request, endResponse, serverContext }) {
      if (request.url.split("?")[0]?.endsWith(endpoint)) {
        contextForRequest.set(request, serverContext as Record<string, unknown>);
        return handler(request).then(endResponse);
      }
    },
  };
}

/**
 * graphql-sse iterates a subscription's results without catching: an error thrown by the stream (say,
 * Redis gone while an answer is followed) would end the whole process. It becomes the stream's last
 * result instead — a GraphQL error the client can act on (resubscribe) — and the stream completes.
 */
async function* endingWithError<Result>(
  source: AsyncIterable<Result>,
  maskError: (error: unknown) => Error,
): AsyncGenerator<Result | { errors: Error[] }> {
  try {
    yield* source;
  } catch (error) {
    yield { errors: [isGraphQLErrorLike(error) ? error : maskError(error)] };
  }
}

const isGraphQLErrorLike = (error: unknown): error is Error =>
  error instanceof Error && error.name === "GraphQLError";
