import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

// Owner / other user / admin × personal / global × read / update / delete / make global,
// for assistants and templates alike, over GraphQL.

let app: TestApp;
let admin: SignedIn; // the first account: admin
let secondAdmin: SignedIn;
let owner: SignedIn;
let other: SignedIn;

beforeAll(async () => {
  app = await startTestApp();
  admin = await registerUser(app, "admin");
  secondAdmin = await registerUser(app, "admin2");
  await app.database.owner.user.update({ where: { id: secondAdmin.user.id }, data: { isAdmin: true } });
  owner = await registerUser(app, "owner");
  other = await registerUser(app, "other");
});
afterAll(() => app?.close());

const kinds = [
  {
    kind: "assistant",
    create: `mutation($input: CreateAssistantInput!) { createAssistant(input: $input) { id isGlobal } }`,
    createInput: (isGlobal: boolean) => ({
      name: "Vertragsprüfer",
      systemPrompt: "Prüfe Verträge.",
      isGlobal,
    }),
    read: `query($id: ID!) { assistant(id: $id) { id } }`,
    list: `{ assistants { id } }`,
    update: `mutation($id: ID!, $input: UpdateAssistantInput!) { updateAssistant(id: $id, input: $input) { id name isGlobal } }`,
    remove: `mutation($id: ID!) { deleteAssistant(id: $id) }`,
  },
  {
    kind: "template",
    create: `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id isGlobal } }`,
    createInput: (isGlobal: boolean) => ({ name: "Angebot", content: "Angebot für {{Kunde}}", isGlobal }),
    read: `query($id: ID!) { template(id: $id) { id } }`,
    list: `{ templates { id } }`,
    update: `mutation($id: ID!, $input: UpdateTemplateInput!) { updateTemplate(id: $id, input: $input) { id name isGlobal } }`,
    remove: `mutation($id: ID!) { deleteTemplate(id: $id) }`,
  },
] as const;

type Outcome = "ok" | "NOT_FOUND" | "FORBIDDEN";
const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }): Outcome =>
  (result.errors?.[0]?.extensions?.code as Outcome | undefined) ?? "ok";

for (const spec of kinds) {
  describe(`${spec.kind} permissions`, () => {
    const create = async (as: SignedIn, isGlobal: boolean) => {
      const result = await app.gql<Record<string, { id: string }>>(
        spec.create,
        { input: spec.createInput(isGlobal) },
        { token: as.accessToken },
      );
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return Object.values(result.data!)[0]!.id;
    };
    // The owner of a personal item is a regular user; a global item's owner is the admin who created
    // it. "admin" is another admin, "other" a regular user who owns neither.
    const actorFor = (actor: "owner" | "other" | "admin", scope: "personal" | "global") =>
      actor === "owner" ? (scope === "personal" ? owner : admin) : actor === "other" ? other : secondAdmin;
    const matrix: {
      scope: "personal" | "global";
      actor: "owner" | "other" | "admin";
      read: Outcome;
      update: Outcome;
      remove: Outcome;
      makeGlobal: Outcome;
    }[] = [
      { scope: "personal", actor: "owner", read: "ok", update: "ok", remove: "ok", makeGlobal: "FORBIDDEN" },
      {
        scope: "personal",
        actor: "other",
        read: "NOT_FOUND",
        update: "NOT_FOUND",
        remove: "NOT_FOUND",
        makeGlobal: "NOT_FOUND",
      },
      {
        scope: "personal",
        actor: "admin",
        read: "NOT_FOUND",
        update: "NOT_FOUND",
        remove: "NOT_FOUND",
        makeGlobal: "NOT_FOUND",
      },
      { scope: "global", actor: "owner", read: "ok", update: "ok", remove: "ok", makeGlobal: "ok" },
      {
        scope: "global",
        actor: "other",
        read: "ok",
        update: "FORBIDDEN",
        remove: "FORBIDDEN",
        makeGlobal: "FORBIDDEN",
      },
      { scope: "global", actor: "admin", read: "ok", update: "ok", remove: "ok", makeGlobal: "ok" },
    ];

    for (const row of matrix) {
      it(`${row.actor} × ${row.scope}: read ${row.read}, update ${row.update}, delete ${row.remove}, make global ${row.makeGlobal}`, async () => {
        const as = actorFor(row.actor, row.scope);
        const id = row.scope === "personal" ? await create(owner, false) : await create(admin, true);
        expect(codeOf(await app.gql(spec.read, { id }, { token: as.accessToken }))).toBe(row.read);
        const listed = await app.gql<Record<string, { id: string }[]>>(
          spec.list,
          {},
          { token: as.accessToken },
        );
        expect(Object.values(listed.data!)[0]!.some((item) => item.id === id)).toBe(row.read === "ok");
        expect(
          codeOf(await app.gql(spec.update, { id, input: { name: "Neu" } }, { token: as.accessToken })),
        ).toBe(row.update);
        expect(
          codeOf(await app.gql(spec.update, { id, input: { isGlobal: true } }, { token: as.accessToken })),
        ).toBe(row.makeGlobal);
        expect(codeOf(await app.gql(spec.remove, { id }, { token: as.accessToken }))).toBe(row.remove);
      });
    }

    it("only admins create global ones; an admin may share their own personal one", async () => {
      const refused = await app.gql(
        spec.create,
        { input: spec.createInput(true) },
        { token: owner.accessToken },
      );
      expect(codeOf(refused)).toBe("FORBIDDEN");
      const mine = await create(admin, false);
      const shared = await app.gql<Record<string, { isGlobal: boolean }>>(
        spec.update,
        { id: mine, input: { isGlobal: true } },
        {
          token: admin.accessToken,
        },
      );
      expect(Object.values(shared.data!)[0]!.isGlobal).toBe(true);
      expect(codeOf(await app.gql(spec.read, { id: mine }, { token: other.accessToken }))).toBe("ok");
    });

    it("an unknown or malformed id is NOT_FOUND", async () => {
      for (const id of ["00000000-0000-0000-0000-000000000000", "nope"]) {
        expect(codeOf(await app.gql(spec.read, { id }, { token: owner.accessToken }))).toBe("NOT_FOUND");
      }
    });
  });
}

describe("starter entries", () => {
  it("a new database offers global starter assistants and templates in German and English", async () => {
    const result = await app.gql<{
      assistants: { name: string; isGlobal: boolean; canEdit: boolean }[];
      templates: { name: string }[];
    }>(`{ assistants { name isGlobal canEdit } templates { name } }`, {}, { token: other.accessToken });
    const names = result
      .data!.assistants.filter((assistant) => assistant.isGlobal)
      .map((assistant) => assistant.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "Übersetzer",
        "Translator",
        "E-Mail-Assistent",
        "E-mail writer",
        "Zusammenfasser",
        "Summarizer",
        "Protokollant",
        "Meeting minutes",
      ]),
    );
    expect(result.data!.assistants.every((assistant) => !assistant.isGlobal || !assistant.canEdit)).toBe(
      true,
    );
    expect(result.data!.templates.map((template) => template.name)).toEqual(
      expect.arrayContaining([
        "Text übersetzen",
        "Translate text",
        "Geschäftliche E-Mail",
        "Business e-mail",
      ]),
    );
    const asAdmin = await app.gql<{ assistants: { name: string; canEdit: boolean }[] }>(
      `{ assistants { name canEdit } }`,
      {},
      {
        token: admin.accessToken,
      },
    );
    expect(asAdmin.data!.assistants.find((assistant) => assistant.name === "Übersetzer")?.canEdit).toBe(true);
  });
});
