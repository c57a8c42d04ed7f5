import { type DocumentNode, GraphQLError, Kind, visit } from "graphql";
import type { Plugin } from "graphql-yoga";
import { isUuid } from "../db/uuid.js";

const NUL = String.fromCharCode(0);
// A UTF-16 half without its other half: no character at all, and no text Postgres could store.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CURSOR_ARGUMENTS = new Set(["after", "before"]);

/**
 * Refuses, with BAD_USER_INPUT and a sentence, input no resolver can use, before anything reaches the
 * database: text with NUL or broken Unicode (lone surrogates) anywhere in the variables or the
 * operation, and pagination cursors this API never handed out (ours are a record's id).
 */
export function useInputHygiene(): Plugin {
  const check = (document: DocumentNode, variables: unknown) => {
    const problem = textProblem(variables) ?? documentProblem(document, variables);
    return problem ? new GraphQLError(problem, { extensions: { code: "BAD_USER_INPUT" } }) : null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ data: null, errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ data: null, errors: [error] });
    },
  };
}

/** The first string (deep inside `value`) that cannot be stored, described; null when there is none. */
function textProblem(value: unknown): string | null {
  if (typeof value === "string") {
    if (value.includes(NUL)) return "Text may not contain NUL characters";
    if (LONE_SURROGATE.test(value)) return "Text must be valid Unicode (it contains half of a character)";
    return null;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = textProblem(item);
      if (problem) return problem;
    }
    return null;
  }
  // Only what JSON makes: an uploaded File (and the bytes inside it) holds no text to check.
  if (isPlainObject(value)) return textProblem(Object.values(value));
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function documentProblem(document: DocumentNode, variables: unknown): string | null {
  let problem: string | null = null;
  const values = (variables ?? {}) as Record<string, unknown>;
  visit(document, {
    StringValue(node) {
      problem ??= textProblem(node.value);
    },
    Argument(node) {
      if (!CURSOR_ARGUMENTS.has(node.name.value)) return;
      const cursor =
        node.value.kind === Kind.STRING
          ? node.value.value
          : node.value.kind === Kind.VARIABLE
            ? values[node.value.name.value]
            : undefined;
      if (typeof cursor === "string" && !isOurCursor(cursor))
        problem ??= `"${node.name.value}" is not a cursor of this API`;
    },
  });
  return problem;
}

/** Cursors are the Prisma plugin's `GPC:S:<id>` in base64, and every id is a UUID. */
function isOurCursor(cursor: string): boolean {
  const decoded = Buffer.from(cursor, "base64").toString("utf8");
  return decoded.startsWith("GPC:S:") && isUuid(decoded.slice("GPC:S:".length));
}
