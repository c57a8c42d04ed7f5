import type { Plugin } from "graphql-yoga";
import { identityOf } from "../auth/viewer.js";
import { iterateAs, runAs } from "../db/request-identity.js";
import type { Context } from "../graphql/context.js";

const identityFor = (context: Context) => (context.viewer ? identityOf(context.viewer) : null);

/**
 * Every operation runs as its viewer, so every query it makes — resolvers, the answer it starts, a
 * subscription's later steps — reaches Postgres with that identity (row-level security).
 */
export function useRequestIdentity(): Plugin<Context> {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => runAs(identityFor(args.contextValue as Context), () => executeFn(args)));
    },
    onSubscribe({ subscribeFn, setSubscribeFn }) {
      setSubscribeFn(async (args) => {
        const identity = identityFor(args.contextValue as Context);
        const result = await runAs(identity, () => subscribeFn(args));
        if (!(Symbol.asyncIterator in Object(result))) return result;
        const source = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
        const stepped = iterateAs(identity, source);
        return { ...stepped, [Symbol.asyncIterator]: () => stepped } as typeof result;
      });
    },
  };
}
