/** The signed-in user as far as a request is concerned. */
export interface Viewer {
  userId: string;
  /** The refresh-token session behind an access token; null for API keys. */
  sessionId: string | null;
  isAdmin: boolean;
  /** Set when the request authenticated with a personal API key. */
  apiKeyId: string | null;
  /** A read-only API key: queries and subscriptions only. */
  readOnly: boolean;
}
