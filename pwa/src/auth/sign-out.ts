import { client } from "../graphql/client";
import { LogoutEverywhereMutation, LogoutMutation } from "./documents";
import { session } from "./session";

/** Ends the session on the server (when reachable) and on this device. */
export async function signOut(): Promise<void> {
  await client.mutation(LogoutMutation, {}).toPromise();
  await session.end("signedOut");
}

/** Ends every session of the account; only succeeds online. */
export async function signOutEverywhere(): Promise<boolean> {
  const result = await client.mutation(LogoutEverywhereMutation, {}).toPromise();
  if (!result.data?.logoutEverywhere) return false;
  await session.end("signedOut");
  return true;
}
