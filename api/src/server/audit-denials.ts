import type { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { identityOf } from "../auth/viewer.js";
import { runAs } from "../db/request-identity.js";
import { isAppError } from "../errors/app-errors.js";
import type { Context } from "../graphql/context.js";
import type { Logger } from "../observability/logger.js";

const isForbidden = (error: GraphQLError) =>
  error.extensions?.code === "FORBIDDEN" ||
  (isAppError(error.originalError) && error.originalError.code === "FORBIDDEN");

/**
 * Every field a signed-in caller was refused (FORBIDDEN) becomes an `access.denied` audit entry: an
 * admin sees who tried what they may not do. One entry per refused field of an operation.
 */
export function useAuditDenials(logger: Logger): Plugin<Context> {
  return {
    onExecute({ args }) {
      const context = args.contextValue as Context;
      return {
        // Awaited: the entry exists by the time the caller reads the refusal.
        async onExecuteDone({ result }) {
          if (!context.viewer || !("errors" in result) || !result.errors?.length) return;
          const denied = result.errors.filter(isForbidden);
          if (!denied.length) return;
          const identity = identityOf(context.viewer);
          await runAs(identity, () =>
            Promise.all(
              denied.map((error) =>
                context.services.audit.record({
                  action: "access.denied",
                  outcome: "denied",
                  reason: error.message,
                  target: {
                    type: "graphql_field",
                    id: error.path?.join(".") ?? null,
                    label: args.operationName ?? null,
                  },
                }),
              ),
            ),
          ).catch((error: unknown) => logger.warn({ err: error }, "could not record a denied action"));
        },
      };
    },
  };
}
