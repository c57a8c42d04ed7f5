import type { Viewer } from "../auth/viewer.js";
import { ForbiddenError } from "../errors/app-errors.js";

/**
 * Administration of an organisation (its people, groups, models, provider keys, settings) is for its
 * admins. Platform operators manage organisations, not their content: only as admins of their own.
 */
export function assertOrganizationAdmin(viewer: Viewer): void {
  if (!viewer.isAdmin) throw new ForbiddenError("Only an admin of the organisation can do this");
}
