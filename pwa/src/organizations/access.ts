import type { SessionUser } from "../auth/session";

// Who sees the organisation screens. The API decides what they may do; these only keep links and
// forms away from people who could not use them.

/** Admins of an organisation invite people into it (platform operators too). */
export const mayInvite = (user: SessionUser | null): boolean =>
  Boolean(user?.isAdmin || user?.isPlatformAdmin);

/** Platform operators manage the organisations. */
export const mayManageOrganizations = (user: SessionUser | null): boolean => user?.isPlatformAdmin === true;

/** Admins of an organisation administer it: people, groups, models, providers and its settings. */
export const mayAdminister = (user: SessionUser | null): boolean => user?.isAdmin === true;
