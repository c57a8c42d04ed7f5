import { describe, expect, it } from "vitest";
import { asksFirst, type Person, personActions } from "./person-actions";

const person = (patch: Partial<Person> = {}): Person => ({
  __typename: "AdminUser",
  id: "u2",
  username: "grace",
  email: "grace@example.com",
  isActive: true,
  isAdmin: false,
  createdAt: "2026-12-01T10:00:00.000Z",
  lastActiveAt: null,
  groups: [],
  usageThisMonth: { __typename: "UsageCount", requests: 0, costUsd: 0 },
  ...patch,
});

describe("what an admin can do to a person", () => {
  it("offers admin rights, a reset link, deactivation and deletion for an active member", () => {
    expect(personActions(person(), "u1")).toEqual(["promote", "resetLink", "deactivate", "delete"]);
    expect(personActions(person({ isAdmin: true }), "u1")).toEqual([
      "demote",
      "resetLink",
      "deactivate",
      "delete",
    ]);
  });

  it("reactivates a deactivated person, without a reset link", () => {
    expect(personActions(person({ isActive: false }), "u1")).toEqual(["promote", "reactivate", "delete"]);
  });

  it("never lets admins demote, deactivate or delete themselves", () => {
    expect(personActions(person({ id: "u1", isAdmin: true }), "u1")).toEqual(["resetLink"]);
  });

  it("asks before taking something away or giving admin rights", () => {
    expect(["promote", "demote", "deactivate", "delete"].every((kind) => asksFirst(kind as never))).toBe(
      true,
    );
    expect(asksFirst("reactivate")).toBe(false);
    expect(asksFirst("resetLink")).toBe(false);
  });
});
