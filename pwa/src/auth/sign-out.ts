import type { ApiKeyOutcome } from "../api-keys/api-key-outcome";
import { client } from "../graphql/client";
import { errorCode } from "../graphql/errors";
import { LogoutEverywhereMutation, LogoutMutation } from "./operations";
import { session } from "./session";
import { rememberSignedOutEverywhere } from "./sign-out-reason";

/** Ends the session on the server (when reachable) and on this device. */
export async function signOut(): Promise<void> {
  await client.mutation(LogoutMutation, {}).toPromise();
  await session.end("signedOut");
}

/**
 * Ends every session of the account, and its API keys when `apiKeys.revoked`; only succeeds online.
 * The sign-in screen then says what was done. Resolves with the error code when it failed.
 */
export async function signOutEverywhere(apiKeys: ApiKeyOutcome): Promise<string | undefined> {
  const result = await client
    .mutation(LogoutEverywhereMutation, { revokeApiKeys: apiKeys.revoked })
    .toPromise();
  if (!result.data?.logoutEverywhere) return errorCode(result.error) ?? "UNKNOWN";
  rememberSignedOutEverywhere(apiKeys);
  await session.end("signedOut");
  return undefined;
}
