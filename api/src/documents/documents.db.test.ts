import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { buildPdf, readFixture } from "../../test/fixtures/documents/build-documents.js";
import { createChat, MESSAGE_FIELDS, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { collectSubscription } from "../../test/support/subscribe.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { uploadDocument, waitForDocument } from "../../test/support/upload.js";

const MODEL = "openai/gpt-4.1-mini";
const HANDBOOK_PAGES = [
  "Mitarbeiterhandbuch der Beispiel GmbH. Kapitel 1: Arbeitszeit. Die regelmäßige Arbeitszeit beträgt 38 Stunden pro Woche.",
  "Kapitel 2: Dienstwagen. Dienstwagen dürfen privat genutzt werden; die Tankkarte gilt nur in Deutschland.",
  "Kapitel 3: Urlaub. Jede Vollzeitkraft erhält 30 Urlaubstage im Kalenderjahr. Resturlaub verfällt am 31. März des Folgejahres.",
];
const POLICY = `# Travel policy

## Hotels
Hotel rooms are reimbursed up to 120 euros per night in Germany and 150 euros abroad.

## Trains
Employees travel second class; first class is allowed for journeys longer than four hours.
`;

const SEARCH = /* GraphQL */ `
  query Search($query: String!, $chatId: ID, $useLibrary: Boolean) {
    searchDocuments(query: $query, chatId: $chatId, useLibrary: $useLibrary) {
      document { id filename } page section text score lexicalRank vectorRank
    }
  }
`;
interface Hit {
  document: { id: string; filename: string };
  page: number;
  section: string;
  text: string;
  lexicalRank: number | null;
  vectorRank: number | null;
}

const SOURCES = /* GraphQL */ `
  query Sources($chatId: ID!) {
    chat(id: $chatId) { messages(last: 10) { edges { node { id role sources { index filename page section excerpt document { id } } } } } }
  }
`;
interface SourceResult {
  index: number;
  filename: string;
  page: number;
  section: string;
  excerpt: string;
  document: { id: string } | null;
}

const fake = useFakeProviderServer();
let app: TestApp;
let owner: SignedIn;
let other: SignedIn;
let handbookId: string;

beforeAll(async () => {
  app = await startTestApp({ ...fakeProviderEnv(fake.server), STORAGE_QUOTA_MB_PER_USER: "2" });
  owner = await registerUser(app, "doc_owner");
  other = await registerUser(app, "doc_other");
  const uploaded = await uploadDocument(
    app,
    owner.accessToken,
    { name: "Handbuch.pdf", content: await buildPdf(HANDBOOK_PAGES) },
    { scope: "LIBRARY" },
  );
  if (!uploaded.data) throw new Error(JSON.stringify(uploaded.errors));
  handbookId = uploaded.data.uploadDocument.id;
}, 60_000);
afterAll(() => app?.close());
beforeEach(() => {
  fake.server.reset();
  fake.server.setScenario({ text: "Laut Handbuch sind es 30 Tage [1].", chunking: "single", delayMs: 0 });
});

async function search(
  user: SignedIn,
  query: string,
  options: { chatId?: string; useLibrary?: boolean } = {},
) {
  const result = await app.gql<{ searchDocuments: Hit[] }>(
    SEARCH,
    { query, ...options },
    { token: user.accessToken },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.searchDocuments;
}

async function sourcesOf(user: SignedIn, chatId: string, messageId: string): Promise<SourceResult[]> {
  const result = await app.gql<{
    chat: { messages: { edges: { node: { id: string; sources: SourceResult[] } }[] } };
  }>(SOURCES, { chatId }, { token: user.accessToken });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.chat.messages.edges.find(({ node }) => node.id === messageId)?.node.sources ?? [];
}

/** What the provider was sent for the last answer (not a title: those use the cheap model). */
const promptOf = () =>
  JSON.stringify(
    fake.server.requests
      .filter((request) => (request.body as { model?: string } | undefined)?.model === "gpt-4.1-mini")
      .at(-1)?.body,
  );

describe("documents", () => {
  it("a PDF becomes READY with its pages and chunks; search ranks the right page first, in German and English", async () => {
    const document = await waitForDocument(app, owner.accessToken, handbookId);
    expect(document).toMatchObject({ status: "READY", pageCount: 3, language: "german", error: null });
    expect(document.chunkCount).toBeGreaterThanOrEqual(3);

    const german = await search(owner, "Wie viele Urlaubstage bekomme ich?");
    expect(german[0]).toMatchObject({ page: 3, document: { id: handbookId, filename: "Handbuch.pdf" } });
    expect(german[0]!.text).toContain("30 Urlaubstage");
    expect(german[0]!.lexicalRank).toBe(1);

    // The summary follows, written by the cheap model (the fake provider's text).
    await expect
      .poll(
        async () => {
          const result = await app.gql<{ document: { summary: string | null } }>(
            `query($id: ID!) { document(id: $id) { summary } }`,
            { id: handbookId },
            { token: owner.accessToken },
          );
          return result.data?.document.summary;
        },
        { timeout: 10_000 },
      )
      .toBeTruthy();

    const cars = await search(owner, "Darf ich den Dienstwagen privat nutzen?");
    expect(cars[0]?.page).toBe(2);

    const policy = await uploadDocument(
      app,
      owner.accessToken,
      { name: "travel.md", content: POLICY },
      { scope: "LIBRARY" },
    );
    const policyId = policy.data!.uploadDocument.id;
    expect((await waitForDocument(app, owner.accessToken, policyId)).language).toBe("english");
    const english = await search(owner, "How much does the company pay for a hotel room?");
    expect(english[0]).toMatchObject({ section: "Travel policy › Hotels", document: { id: policyId } });
  });

  it("an answer in a chat with a document is given its passage and cites it as a source", async () => {
    const chat = await createChat(app, owner, { model: MODEL });
    const uploaded = await uploadDocument(
      app,
      owner.accessToken,
      { name: "reise.md", content: POLICY },
      { scope: "CHAT", chatId: chat.id },
    );
    await waitForDocument(app, owner.accessToken, uploaded.data!.uploadDocument.id);
    const sent = await sendMessage(app, owner, {
      chatId: chat.id,
      content: "Which class may I travel by train?",
    });
    const answer = await waitForAnswer(app, owner, chat.id, sent.assistantMessage.id);
    expect(answer.status).toBe("COMPLETE");
    expect(promptOf()).toContain("first class is allowed for journeys longer than four hours");

    const sources = await sourcesOf(owner, chat.id, sent.assistantMessage.id);
    expect(sources[0]).toMatchObject({
      index: 1,
      filename: "reise.md",
      page: 1,
      section: "Travel policy › Trains",
      document: { id: uploaded.data!.uploadDocument.id },
    });
    expect(sources[0]!.excerpt).toContain("second class");
  });

  it('the library is searched only with "use my library" on', async () => {
    await waitForDocument(app, owner.accessToken, handbookId);
    const chat = await createChat(app, owner, { model: MODEL });
    const without = await sendMessage(app, owner, {
      chatId: chat.id,
      content: "Wie viele Urlaubstage habe ich?",
    });
    await waitForAnswer(app, owner, chat.id, without.assistantMessage.id);
    expect(promptOf()).not.toContain("30 Urlaubstage");
    expect(await sourcesOf(owner, chat.id, without.assistantMessage.id)).toEqual([]);

    const withLibrary = await sendMessage(app, owner, {
      chatId: chat.id,
      content: "Wie viele Urlaubstage habe ich im Jahr?",
      useLibrary: true,
    });
    await waitForAnswer(app, owner, chat.id, withLibrary.assistantMessage.id);
    expect(promptOf()).toContain("30 Urlaubstage");
    const sources = await sourcesOf(owner, chat.id, withLibrary.assistantMessage.id);
    expect(sources[0]).toMatchObject({ filename: "Handbuch.pdf", page: 3 });
  });

  it("another user cannot see, search, rename, download, delete or cite the document", async () => {
    await waitForDocument(app, owner.accessToken, handbookId);
    const token = other.accessToken;
    const seen = await app.gql(`query($id: ID!) { document(id: $id) { id } }`, { id: handbookId }, { token });
    expect(seen.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const listed = await app.gql<{ documents: { edges: unknown[] } }>(
      `{ documents { edges { node { id } } } }`,
      {},
      { token },
    );
    expect(listed.data?.documents.edges).toEqual([]);
    expect(await search(other, "Urlaubstage")).toEqual([]);
    const renamed = await app.gql(
      `mutation($id: ID!) { renameDocument(id: $id, filename: "mine.pdf") { id } }`,
      { id: handbookId },
      { token },
    );
    expect(renamed.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const deleted = await app.gql(
      `mutation($id: ID!) { deleteDocument(id: $id) }`,
      { id: handbookId },
      { token },
    );
    expect(deleted.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const download = await fetch(`${app.url}/documents/${handbookId}/file`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(download.status).toBe(404);

    const chat = await createChat(app, other, { model: MODEL });
    const sent = await sendMessage(app, other, {
      chatId: chat.id,
      content: "Wie viele Urlaubstage?",
      useLibrary: true,
    });
    await waitForAnswer(app, other, chat.id, sent.assistantMessage.id);
    expect(promptOf()).not.toContain("Urlaubstage im Kalenderjahr");
    expect(await sourcesOf(other, chat.id, sent.assistantMessage.id)).toEqual([]);
  });

  it("its owner downloads the original; deleting removes file and chunks, and the cited excerpt stays", async () => {
    const content = await buildPdf(["Geheimnis: Der Tresor öffnet sich mit dem Code 4711."]);
    const uploaded = await uploadDocument(
      app,
      owner.accessToken,
      { name: "Tresor Übersicht.pdf", content },
      { scope: "LIBRARY" },
    );
    const id = uploaded.data!.uploadDocument.id;
    await waitForDocument(app, owner.accessToken, id);

    const download = await fetch(`${app.url}/documents/${id}/file`, {
      headers: { authorization: `Bearer ${owner.accessToken}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toContain(
      "filename*=UTF-8''Tresor%20%C3%9Cbersicht.pdf",
    );
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(content);

    const chat = await createChat(app, owner, { model: MODEL });
    const sent = await sendMessage(app, owner, {
      chatId: chat.id,
      content: "Welcher Code öffnet den Tresor?",
      useLibrary: true,
    });
    await waitForAnswer(app, owner, chat.id, sent.assistantMessage.id);
    expect((await sourcesOf(owner, chat.id, sent.assistantMessage.id))[0]?.document).toEqual({ id });

    const deleted = await app.gql<{ deleteDocument: boolean }>(
      `mutation($id: ID!) { deleteDocument(id: $id) }`,
      { id },
      { token: owner.accessToken },
    );
    expect(deleted.data?.deleteDocument).toBe(true);
    const [left] = await app.database.owner.$queryRaw<{ chunks: number; files: number; jobs: number }[]>`
      select (select count(*)::int from app_document_chunks where document_id = ${id}::uuid) as chunks,
             (select count(*)::int from app_document_files where document_id = ${id}::uuid) as files,
             (select count(*)::int from app_document_jobs where document_id = ${id}::uuid) as jobs`;
    expect(left).toEqual({ chunks: 0, files: 0, jobs: 0 });
    const sources = await sourcesOf(owner, chat.id, sent.assistantMessage.id);
    expect(sources[0]).toMatchObject({ filename: "Tresor Übersicht.pdf", document: null });
    expect(sources[0]!.excerpt).toContain("4711");
  });

  it("bad files fail cleanly: unknown type at upload, encrypted PDF as FAILED with its reason, quota", async () => {
    const unknown = await uploadDocument(
      app,
      owner.accessToken,
      {
        name: "tool.exe",
        content: new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x01]),
      },
      { scope: "LIBRARY" },
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe("DOCUMENT_UNSUPPORTED_TYPE");

    const renamed = await uploadDocument(
      app,
      owner.accessToken,
      { name: "report.pdf", content: "just text" },
      { scope: "LIBRARY" },
    );
    expect(renamed.errors?.[0]?.extensions?.code).toBe("DOCUMENT_UNREADABLE");

    const encrypted = await uploadDocument(
      app,
      owner.accessToken,
      { name: "locked.pdf", content: readFixture("encrypted.pdf") },
      { scope: "LIBRARY" },
    );
    const failed = await waitForDocument(app, owner.accessToken, encrypted.data!.uploadDocument.id);
    expect(failed).toMatchObject({ status: "FAILED", errorCode: "DOCUMENT_ENCRYPTED" });
    expect(failed.error).toBeTruthy();

    const noChat = await uploadDocument(
      app,
      owner.accessToken,
      { name: "a.txt", content: "text" },
      { scope: "CHAT" },
    );
    expect(noChat.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");

    // The quota is 2 MB: 1.5 MB fits, a second 1.5 MB does not.
    const big = "Zeile mit Text. ".repeat(100_000);
    const first = await uploadDocument(
      app,
      owner.accessToken,
      { name: "big1.txt", content: big },
      { scope: "LIBRARY" },
    );
    expect(first.errors).toBeUndefined();
    const second = await uploadDocument(
      app,
      owner.accessToken,
      { name: "big2.txt", content: big },
      { scope: "LIBRARY" },
    );
    expect(second.errors?.[0]?.extensions?.code).toBe("STORAGE_QUOTA_EXCEEDED");
    await app.gql(
      `mutation($id: ID!) { deleteDocument(id: $id) }`,
      { id: first.data!.uploadDocument.id },
      { token: owner.accessToken },
    );
  });
});

describe("following a document", () => {
  const PROGRESS = /* GraphQL */ `
    subscription ($id: ID!) { documentProgress(id: $id) { id status pageCount chunkCount progress { stage done total } } }
  `;
  interface Followed {
    status: string;
    pageCount: number | null;
    chunkCount: number;
    progress: { stage: string; done: number; total: number };
  }
  const follow = (token: string, id: string) =>
    collectSubscription<{ documentProgress: Followed }, Followed>(
      app.url,
      token,
      { query: PROGRESS, variables: { id } },
      (data) => data.documentProgress,
    );

  it("documentProgress emits the document as it is read and ends once it is READY; others get NOT_FOUND", async () => {
    const follower = await registerUser(app, "doc_follower");
    const uploaded = await uploadDocument(
      app,
      follower.accessToken,
      { name: "scan.pdf", content: readFixture("scanned.pdf") },
      { scope: "LIBRARY" },
    );
    const id = uploaded.data?.uploadDocument.id;
    if (!id) throw new Error(JSON.stringify(uploaded.errors));
    const [followed, foreign] = await Promise.all([
      follow(follower.accessToken, id),
      follow(other.accessToken, id),
    ]);

    expect(followed.errors).toEqual([]);
    const statuses = followed.items.map((item) => item.status);
    expect(statuses.at(-1)).toBe("READY");
    // Never back: PENDING, then PROCESSING, then READY.
    const order = ["PENDING", "PROCESSING", "READY"];
    expect(statuses.map((status) => order.indexOf(status))).toEqual(
      [...statuses.map((status) => order.indexOf(status))].sort((a, b) => a - b),
    );
    expect(followed.items.length).toBeGreaterThanOrEqual(2);
    // OCR takes seconds, the subscription looks twice a second: it sees the document being read.
    const reading = followed.items.find((item) => item.status === "PROCESSING");
    expect(["EXTRACTING", "OCR"]).toContain(reading?.progress.stage);
    const ready = followed.items.at(-1);
    expect(ready?.pageCount).toBeGreaterThan(0);
    expect(ready?.chunkCount).toBeGreaterThan(0);

    expect(foreign.items).toEqual([]);
    expect(JSON.stringify(foreign.errors)).toContain("NOT_FOUND");
  }, 90_000);
});

describe("document processing survives its process", () => {
  it("a document uploaded where no worker runs is processed by the next process; an expired claim is taken again", async () => {
    // One deployment: both processes accept the same tokens.
    const shared = {
      ...fakeProviderEnv(fake.server),
      JWT_SECRET: "resume-test-secret-0123456789abcdef0123456789",
    };
    const idle = await startTestApp({ ...shared, DOCUMENT_WORKERS: "0" });
    const user = await registerUser(idle, "resume");
    const uploaded = await uploadDocument(
      idle,
      user.accessToken,
      { name: "notes.md", content: POLICY },
      { scope: "LIBRARY" },
    );
    const id = uploaded.data!.uploadDocument.id;
    // A process that claimed the job and died: its lease has run out.
    await idle.database.owner.$executeRaw`
      update app_document_jobs set locked_by = 'gone:1', locked_until = now() - interval '1 second', attempts = 1
      where document_id = ${id}::uuid`;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await waitForDocumentState(idle, user, id)).status).toBe("PENDING");

    const worker = await startTestApp(shared, { database: idle.database });
    try {
      const document = await waitForDocument(worker, user.accessToken, id);
      expect(document).toMatchObject({ status: "READY", language: "english" });
    } finally {
      await worker.close();
      await idle.close();
    }
  }, 60_000);
});

async function waitForDocumentState(target: TestApp, user: SignedIn, id: string) {
  const result = await target.gql<{ document: { status: string } }>(
    `query($id: ID!) { document(id: $id) { status } }`,
    { id },
    { token: user.accessToken },
  );
  return result.data!.document;
}

void MESSAGE_FIELDS;

describe("with an embedding model", () => {
  it("passages get vectors of the model; search fuses both rankings; the embedding calls are usage events", async () => {
    const embedded = await startTestApp({
      ...fakeProviderEnv(fake.server),
      EMBEDDING_MODEL: "openai/text-embedding-3-small",
    });
    try {
      const user = await registerUser(embedded, "vectors");
      const uploaded = await uploadDocument(
        embedded,
        user.accessToken,
        { name: "travel.md", content: POLICY },
        { scope: "LIBRARY" },
      );
      const id = uploaded.data!.uploadDocument.id;
      await waitForDocument(embedded, user.accessToken, id);
      const [stored] = await embedded.database.owner.$queryRaw<
        { model: string | null; dims: number; chunks: number }[]
      >`
        select d.embedding_model as model, min(c.embedding_dims)::int as dims, count(c.embedding)::int as chunks
        from app_documents d join app_document_chunks c on c.document_id = d.id
        where d.id = ${id}::uuid group by d.embedding_model`;
      expect(stored).toMatchObject({ model: "openai/text-embedding-3-small", dims: 1536 });
      expect(stored!.chunks).toBeGreaterThan(0);

      const result = await embedded.gql<{ searchDocuments: Hit[] }>(
        SEARCH,
        { query: "hotel room price per night" },
        { token: user.accessToken },
      );
      const [best] = result.data!.searchDocuments;
      expect(best).toMatchObject({ section: "Travel policy › Hotels" });
      expect(best!.lexicalRank).not.toBeNull();
      expect(best!.vectorRank).not.toBeNull();

      const events = await embedded.database.owner.tokenUsage.findMany({ where: { purpose: "embedding" } });
      expect(events.length).toBeGreaterThanOrEqual(2); // the passages, then the question
      expect(
        events.every((event) => event.model === "openai/text-embedding-3-small" && event.promptTokens > 0),
      ).toBe(true);
    } finally {
      await embedded.close();
    }
  }, 60_000);

  it("an embedding provider that fails leaves the document READY for full-text search", async () => {
    const embedded = await startTestApp({
      ...fakeProviderEnv(fake.server),
      EMBEDDING_MODEL: "openai/text-embedding-3-small",
    });
    try {
      const user = await registerUser(embedded, "no_vectors");
      fake.server.setScenario({ status: { code: 500, times: 50 } });
      const uploaded = await uploadDocument(
        embedded,
        user.accessToken,
        { name: "travel.md", content: POLICY },
        { scope: "LIBRARY" },
      );
      const document = await waitForDocument(embedded, user.accessToken, uploaded.data!.uploadDocument.id);
      expect(document.status).toBe("READY");
      fake.server.reset();
      const result = await embedded.gql<{ searchDocuments: Hit[] }>(
        SEARCH,
        { query: "second class train" },
        { token: user.accessToken },
      );
      expect(result.data!.searchDocuments[0]).toMatchObject({
        section: "Travel policy › Trains",
        vectorRank: null,
      });
    } finally {
      await embedded.close();
    }
  }, 60_000);
});
