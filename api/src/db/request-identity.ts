import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Who the database work of a request is done for. The API derives it on the server from a verified
 * token or API key (never from client input); db/session-identity.ts switches the database session to
 * it before each query, where row-level security admits only that organisation's (and user's) rows.
 */
export interface RequestIdentity {
  userId: string;
  orgId: string;
  /** Admin of the organisation: sees its usage, manages its shared items and invitations. */
  orgAdmin: boolean;
  /** Operates the platform: sees and manages organisations, not their content. */
  platformAdmin: boolean;
}

const current = new AsyncLocalStorage<{ identity: RequestIdentity | null }>();

/**
 * Runs `work` (and everything it starts: an answer's generator, its title, its billing) as `identity`.
 * Database work outside any identity sees no tenant rows at all.
 */
export function runAs<T>(identity: RequestIdentity | null, work: () => T): T {
  return current.run({ identity }, work);
}

/**
 * The rest of the current operation runs as `identity`: a sign-in or registration, once the password
 * (or invitation) is verified, so that the fields of its answer (the user, their organisation) can be read.
 */
export function adoptIdentity(identity: RequestIdentity): void {
  const scope = current.getStore();
  if (scope) scope.identity = identity;
}

export function currentIdentity(): RequestIdentity | null {
  return current.getStore()?.identity ?? null;
}

/** The identity work done for someone runs as; a programming error when there is none. */
export function requireIdentity(purpose: string): RequestIdentity {
  const identity = currentIdentity();
  if (!identity) throw new Error(`${purpose} needs to know whom it is done for`);
  return identity;
}

/**
 * An async iterator whose steps run as `identity`: a subscription's source is pulled by the transport
 * long after the request's own async context has gone.
 */
export function iterateAs<T>(identity: RequestIdentity | null, source: AsyncIterator<T>): AsyncIterator<T> {
  return {
    next: (...args) => runAs(identity, () => source.next(...args)),
    return: source.return && ((value) => runAs(identity, () => source.return!(value))),
    throw: source.throw && ((error) => runAs(identity, () => source.throw!(error))),
  };
}
