import type { RequestIdentity } from "../db/request-identity.js";

/** The signed-in user as far as a request is concerned. */
export interface Viewer {
  userId: string;
  /** The user's organisation: every row the request reads or writes belongs to it (row-level security). */
  orgId: string;
  /** The refresh-token session behind an access token; null for API keys. */
  sessionId: string | null;
  /** Admin of the organisation. */
  isAdmin: boolean;
  /** Operates the platform (organisations), not tenant content. */
  isPlatformAdmin: boolean;
  /** Set when the request authenticated with a personal API key. */
  apiKeyId: string | null;
  /** A read-only API key: queries and subscriptions only. */
  readOnly: boolean;
}

/** What the database is told about the viewer, for row-level security. */
export const identityOf = (viewer: Viewer): RequestIdentity => ({
  userId: viewer.userId,
  orgId: viewer.orgId,
  orgAdmin: viewer.isAdmin,
  platformAdmin: viewer.isPlatformAdmin,
});
