import {
  type Exchange,
  makeOperation,
  mapExchange,
  type Operation,
  stringifyDocument,
  type TypedDocumentNode,
} from "@urql/core";

// Persisted operations: every document carries the hash GraphQL Code Generator gave it (the API
// knows them from persisted-documents.json), so requests can name the hash instead of sending the
// text. Switched on at build time (VITE_PERSISTED_OPERATIONS=true) for servers that run with
// PERSISTED_OPERATIONS_ONLY; the PWA and the API must then come from the same build.

export function persistedHash(document: unknown): string | undefined {
  return (document as { __meta__?: { hash?: string } }).__meta__?.hash;
}

export function withPersistedHash(operation: Operation): Operation {
  const hash = persistedHash(operation.query);
  if (!hash || operation.kind === "teardown" || operation.extensions?.persistedQuery) return operation;
  return makeOperation(
    operation.kind,
    {
      ...operation,
      extensions: { ...operation.extensions, persistedQuery: { version: 1, sha256Hash: hash } },
    },
    operation.context,
  );
}

export const persistedOperationsExchange: Exchange = mapExchange({ onOperation: withPersistedHash });

export const persistedOperationsEnabled = import.meta.env.VITE_PERSISTED_OPERATIONS === "true";

/** What a request outside urql sends: the operation's text, or (persisted) only its hash. */
export function operationParams<TVariables>(
  document: TypedDocumentNode<unknown, TVariables>,
  variables: TVariables,
  persisted = persistedOperationsEnabled,
): { query?: string; variables: TVariables; extensions?: Record<string, unknown> } {
  return persisted
    ? { variables, extensions: { persistedQuery: { version: 1, sha256Hash: persistedHash(document) } } }
    : { query: stringifyDocument(document), variables };
}
