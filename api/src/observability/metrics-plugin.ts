import { type DocumentNode, type ExecutionResult, getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Metrics } from "./metrics.js";
import { currentRequest } from "./request-context.js";

// Root fields, not client-chosen operation names: the schema bounds them, so labels cannot explode.
const MAX_FIELDS_IN_LABEL = 3;

/**
 * Counts GraphQL operations (labelling the HTTP request counter), errors by code and open subscription
 * streams. Works for every transport, since graphql-sse and Yoga's own endpoints both run through envelop.
 */
export function useMetrics(metrics: Metrics): Plugin {
  const countErrors = (errors: readonly Error[] | undefined, fallback: string) => {
    for (const error of errors ?? []) {
      const code = (error as { extensions?: Record<string, unknown> }).extensions?.code;
      metrics.errors.inc({ code: typeof code === "string" ? code : fallback, source: "graphql" });
    }
  };
  const countResult = (result: unknown) => {
    if (!isAsyncIterable(result)) countErrors((result as ExecutionResult).errors, "INTERNAL");
  };
  return {
    onParse:
      () =>
      ({ result }) => {
        if (result instanceof Error) {
          labelRequest("invalid", "parse");
          countErrors([result], "GRAPHQL_PARSE_FAILED");
        }
      },
    onValidate:
      () =>
      ({ result }) => {
        if (result.length > 0) {
          labelRequest("invalid", "validation");
          countErrors(result, "GRAPHQL_VALIDATION_FAILED");
        }
      },
    onExecute: ({ args }) => {
      labelOperation(args.document, args.operationName);
      return { onExecuteDone: ({ result }) => countResult(result) };
    },
    onSubscribe: ({ args }) => {
      labelOperation(args.document, args.operationName);
      return {
        onSubscribeResult: ({ result }) => {
          if (!isAsyncIterable(result)) return countResult(result);
          metrics.openStreams.inc();
          return {
            onNext: ({ result: next }) => countResult(next),
            onEnd: () => metrics.openStreams.dec(),
          };
        },
        onSubscribeError: () => metrics.errors.inc({ code: "INTERNAL", source: "graphql" }),
      };
    },
  };
}

function labelOperation(document: DocumentNode, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName);
  if (!operation) return labelRequest("invalid", "unknown");
  const fields = new Set<string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === "Field" && selection.name.value !== "__typename") fields.add(selection.name.value);
  }
  const names = [...fields].sort();
  const name =
    names.length === 0 ? "__typename" : names.length > MAX_FIELDS_IN_LABEL ? "several" : names.join(",");
  labelRequest(operation.operation, name);
}

function labelRequest(type: string, name: string) {
  const request = currentRequest();
  if (request) request.operation = { type, name };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}
