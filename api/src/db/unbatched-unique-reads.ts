import type { PrismaClient } from "../generated/prisma/client.js";

/** What Prisma hands a query extension besides the documented fields: the request it is about to make. */
interface InternalRequest {
  action: string;
  clientMethod: string;
}

const UNBATCHED = { findUnique: "findFirst", findUniqueOrThrow: "findFirstOrThrow" } as const;

/**
 * Prisma collects the findUnique calls of one tick that have the same shape into one query and runs it
 * in the async context of the first caller — with row-level security, as that caller's identity for
 * everyone's reads: the others got null (their rows are not the first caller's), and a row visible to
 * the first caller could reach another. Pothos loads relations with findUniqueOrThrow, so any two
 * requests at once could meet there. Each such read is made as a findFirst instead (same where, same
 * result, never batched), in its caller's context and transaction.
 */
export function withUnbatchedUniqueReads(prisma: PrismaClient): PrismaClient {
  return prisma.$extends({
    name: "unbatched-unique-reads",
    query: {
      $allModels: {
        findUnique: (params) => unbatched(params),
        findUniqueOrThrow: (params) => unbatched(params),
      },
    },
  }) as unknown as PrismaClient;
}

function unbatched(params: {
  operation: string;
  args: unknown;
  query: (args: never, request?: InternalRequest) => Promise<unknown>;
  __internalParams?: unknown;
}): Promise<unknown> {
  const request = params.__internalParams as InternalRequest | undefined;
  const action = UNBATCHED[params.operation as keyof typeof UNBATCHED];
  if (!request || request.action !== params.operation || !action) {
    // A Prisma that no longer passes its request this way: refuse rather than batch across identities.
    throw new Error(`unbatched-unique-reads: cannot rewrite ${params.operation} on this Prisma version`);
  }
  return params.query(params.args as never, {
    ...request,
    action,
    clientMethod: request.clientMethod.replace(params.operation, action),
  });
}
