import { afterAll, beforeAll, expect, it } from "vitest";
import { createChat } from "../../test/support/chat-client.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { DEFAULT_ORGANIZATION_ID } from "../organizations/organization-service.js";
import { type RequestIdentity, runAs } from "./request-identity.js";

// Reads of several requests at once each run as their own identity. Prisma batches the findUnique calls
// of one tick into one query, run as the first caller: the soak saw ~600 NOT_FOUND per run from it.

let app: TestApp;
const people: { signedIn: SignedIn; identity: RequestIdentity; chatId: string }[] = [];

beforeAll(async () => {
  app = await startTestApp();
  await registerUser(app, "operator"); // the first account operates the platform
  for (const label of ["ada", "bob", "cyd"]) {
    const signedIn = await registerUser(app, label);
    const chat = await createChat(app, signedIn);
    people.push({
      signedIn,
      chatId: chat.id,
      identity: {
        userId: signedIn.user.id,
        orgId: DEFAULT_ORGANIZATION_ID,
        orgAdmin: false,
        platformAdmin: false,
      },
    });
  }
});
afterAll(() => app?.close());

it("findUnique calls of different people in the same tick each see their own row", async () => {
  const prisma = app.database.prisma;
  const seen = await Promise.all(
    people.map(({ identity, chatId }) =>
      runAs(identity, async () => await prisma.chat.findUnique({ where: { id: chatId } })),
    ),
  );
  expect(seen.map((chat) => chat?.id)).toEqual(people.map(({ chatId }) => chatId));

  const owners = await Promise.all(
    people.map(({ identity, chatId }) =>
      runAs(
        identity,
        async () => await prisma.chat.findUniqueOrThrow({ where: { id: chatId }, select: { userId: true } }),
      ),
    ),
  );
  expect(owners.map((chat) => chat.userId)).toEqual(people.map(({ identity }) => identity.userId));
});

it("nobody's row reaches another person who asks for it in the same tick", async () => {
  const prisma = app.database.prisma;
  const [ada, bob] = people;
  // Ada asks for her chat, Bob for Ada's: Bob must get nothing, also when his read is batched behind hers.
  const [hers, his] = await Promise.all([
    runAs(ada!.identity, async () => await prisma.chat.findUnique({ where: { id: ada!.chatId } })),
    runAs(bob!.identity, async () => await prisma.chat.findUnique({ where: { id: ada!.chatId } })),
  ]);
  expect(hers?.id).toBe(ada!.chatId);
  expect(his).toBeNull();
});

it("inside a transaction, a unique read sees the transaction's own writes", async () => {
  const [ada] = people;
  const title = `renamed ${Date.now()}`;
  const read = await runAs(ada!.identity, async () =>
    app.database.prisma.$transaction(async (tx) => {
      await tx.chat.update({ where: { id: ada!.chatId }, data: { title } });
      return tx.chat.findUniqueOrThrow({ where: { id: ada!.chatId } });
    }),
  );
  expect(read.title).toBe(title);
});
