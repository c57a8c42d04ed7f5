import type { Logger } from "../observability/logger.js";
import type { ReplicaBroadcast } from "../streaming/replica-broadcast.js";
import type { Viewer } from "./viewer.js";

/** Access that has just ended: one session, one API key, or some or all of a user's. */
export type AccessRevocation =
  | { kind: "session"; sessionId: string }
  | { kind: "apiKey"; apiKeyId: string }
  | { kind: "user"; userId: string; sessions: boolean; apiKeys: boolean; keepSessionId?: string | null }
  | { kind: "organization"; orgId: string };

const TOPIC = "access-revoked";

/** Whether `revocation` ends what `viewer` signed in with. */
export function revokes(revocation: AccessRevocation, viewer: Viewer): boolean {
  switch (revocation.kind) {
    case "session":
      return viewer.sessionId === revocation.sessionId;
    case "apiKey":
      return viewer.apiKeyId === revocation.apiKeyId;
    case "organization":
      return viewer.orgId === revocation.orgId;
    case "user":
      if (viewer.userId !== revocation.userId) return false;
      if (viewer.apiKeyId) return revocation.apiKeys;
      return revocation.sessions && viewer.sessionId !== revocation.keepSessionId;
  }
}

/**
 * Tells every replica when access ends (sign-out, sign-out everywhere, a new password, a revoked key,
 * a deactivated account or organisation), so that what is still open with it — answer streams — is closed at once.
 * The database has already ended it for every new request; this is for the connections that stay.
 */
export class AccessRevocations {
  private readonly listeners = new Set<(revocation: AccessRevocation) => void>();

  constructor(
    private readonly broadcast: ReplicaBroadcast,
    private readonly logger: Logger,
  ) {
    broadcast.on(TOPIC, (message) => {
      const revocation = JSON.parse(message) as AccessRevocation;
      for (const listener of this.listeners) listener(revocation);
    });
  }

  /** Announces a revocation to every replica; never fails the action that caused it. */
  async announce(revocation: AccessRevocation): Promise<void> {
    await this.broadcast
      .publish(TOPIC, JSON.stringify(revocation))
      .catch((error: unknown) =>
        this.logger.warn({ err: error, revocation }, "could not announce an ended session"),
      );
  }

  /** Hears every revocation of every replica; returns "stop listening". */
  onRevoked(listener: (revocation: AccessRevocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
