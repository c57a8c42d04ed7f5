import { client } from "../graphql/client";
import { UnreadNotificationsQuery } from "./operations";

/** Asks the server for the unread count again (when the app gets focus, after an answer, each minute). */
export function refreshNotifications(): void {
  if (globalThis.navigator?.onLine === false) return;
  void client.query(UnreadNotificationsQuery, {}, { requestPolicy: "network-only" }).toPromise();
}
