import type { Plugin } from "graphql-yoga";
import { type AccessRevocations, revokes } from "../auth/access-revocations.js";
import type { Context } from "../graphql/context.js";
import { appError } from "../graphql/errors.js";
import { endable } from "./stream-ending.js";

/**
 * A subscription opened with a session or an API key that has ended since (on any replica) is closed
 * at once, with UNAUTHENTICATED as its last result: an ended session must not keep receiving answers.
 */
export function useEndStreamsOfRevokedAccess(revocations: AccessRevocations): Plugin {
  return {
    onSubscribe: ({ args }) => ({
      onSubscribeResult: ({ result, setResult }) => {
        const viewer = (args.contextValue as unknown as Context).viewer;
        if (!viewer || !(Symbol.asyncIterator in result)) return;
        setResult(
          endable(result, (end) =>
            revocations.onRevoked((revocation) => {
              if (!revokes(revocation, viewer)) return;
              end({ errors: [appError("UNAUTHENTICATED", "This session has ended; please sign in again")] });
            }),
          ),
        );
      },
    }),
  };
}
