import { getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../graphql/context.js";
import { appError } from "../graphql/errors.js";

/** A read-only API key may run queries and subscriptions only. */
export const useReadOnlyApiKeys: Plugin = {
  onExecute({ args, setResultAndStopExecution }) {
    const context = args.contextValue as unknown as Context;
    if (!context.viewer?.readOnly) return;
    if (getOperationAST(args.document, args.operationName ?? undefined)?.operation !== "mutation") return;
    setResultAndStopExecution({
      data: null,
      errors: [appError("FORBIDDEN", "This API key is read-only: it may run queries and subscriptions only")],
    });
  },
};
