import type { AdminUserFieldsFragment } from "../../gql/graphql";

export type Person = AdminUserFieldsFragment;
export type PersonActionKind = "promote" | "demote" | "deactivate" | "reactivate" | "resetLink" | "delete";

/**
 * What an admin can do to a person, in the order the buttons show. Nobody removes their own admin role,
 * deactivates or deletes themself (the API refuses too); a reset link needs an active account.
 */
export function personActions(person: Person, viewerId: string | undefined): PersonActionKind[] {
  const self = person.id === viewerId;
  const actions: PersonActionKind[] = [];
  if (!self) actions.push(person.isAdmin ? "demote" : "promote");
  if (person.isActive) actions.push("resetLink");
  if (!self) actions.push(person.isActive ? "deactivate" : "reactivate", "delete");
  return actions;
}

export type ConfirmedActionKind = Extract<PersonActionKind, "promote" | "demote" | "deactivate" | "delete">;

/** Actions that ask first: they take something away, or give admin rights. */
export const asksFirst = (kind: PersonActionKind): kind is ConfirmedActionKind =>
  kind === "promote" || kind === "demote" || kind === "deactivate" || kind === "delete";
