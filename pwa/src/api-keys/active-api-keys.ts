import { createQuery } from "@urql/solid";
import { ActiveApiKeysQuery } from "./operations";

/** How many active API keys the signed-in user has, fresh from the server; undefined until known. */
export function createActiveApiKeyCount() {
  const [keys, refetch] = createQuery({ query: ActiveApiKeysQuery, requestPolicy: "network-only" });
  return {
    count: (): number | undefined => keys.data?.apiKeys.length,
    refresh: () => refetch({ requestPolicy: "network-only" }),
  };
}
