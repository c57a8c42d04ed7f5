import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMigratedDatabase } from "../../test/support/test-database.js";
import { DEFAULT_CHAT_TITLE } from "../chats/default-title.js";
import { DEFAULT_ORGANIZATION_ID } from "../organizations/organization-service.js";
import { runAs } from "./request-identity.js";

/** One scalar field of schema.prisma, reduced to what the database must agree with. */
interface PrismaColumn {
  model: string;
  table: string;
  field: string;
  column: string;
  prismaType: string;
  nativeType: string | null;
  optional: boolean;
  list: boolean;
}

const SCALARS = new Set([
  "String",
  "Boolean",
  "Int",
  "BigInt",
  "Float",
  "Decimal",
  "DateTime",
  "Json",
  "Bytes",
]);

/** Reads the models of schema.prisma: the mapped table, and each scalar field's column, type and nullability. */
function parsePrismaSchema(text: string): PrismaColumn[] {
  const columns: PrismaColumn[] = [];
  for (const match of text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const [, model, body] = match as unknown as [string, string, string];
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? model;
    for (const line of body.split("\n")) {
      const field = /^\s*(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!field || !SCALARS.has(field[2]!)) continue;
      const [, name, prismaType, list, optional, attributes] = field as unknown as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      columns.push({
        model,
        table,
        field: name,
        column: /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? name,
        prismaType,
        nativeType: /@db\.(\w+(?:\([^)]*\))?)/.exec(attributes)?.[1] ?? null,
        optional: optional === "?",
        list: list === "[]",
      });
    }
  }
  return columns;
}

/** Columns of types Prisma cannot read (tsvector, vector): declared `Unsupported("…")`, used by SQL only. */
function unsupportedColumns(text: string): string[] {
  const columns: string[] = [];
  for (const match of text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const body = match[2] as string;
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? (match[1] as string);
    for (const field of body.matchAll(/^\s*(\w+)\s+Unsupported\("[^"]+"\)\??(.*)$/gm)) {
      columns.push(`${table}.${/@map\("([^"]+)"\)/.exec(field[2] as string)?.[1] ?? field[1]}`);
    }
  }
  return columns;
}

/** What information_schema must say for a Prisma type and its @db native type. */
function expectedColumnType(column: PrismaColumn): {
  dataType: string;
  length?: number;
  precision?: number;
  scale?: number;
} {
  if (column.list) return { dataType: "ARRAY" };
  const native = column.nativeType;
  const args = /\(([^)]*)\)/
    .exec(native ?? "")?.[1]
    ?.split(",")
    .map((value) => Number(value.trim()));
  if (native?.startsWith("Uuid")) return { dataType: "uuid" };
  if (native?.startsWith("VarChar")) return { dataType: "character varying", length: args?.[0] };
  if (native?.startsWith("Timestamptz")) return { dataType: "timestamp with time zone" };
  if (native?.startsWith("Decimal")) return { dataType: "numeric", precision: args?.[0], scale: args?.[1] };
  const defaults: Record<string, string> = {
    String: "text",
    Boolean: "boolean",
    Int: "integer",
    BigInt: "bigint",
    Float: "double precision",
    Decimal: "numeric",
    DateTime: "timestamp without time zone",
    Json: "jsonb",
    Bytes: "bytea",
  };
  return { dataType: defaults[column.prismaType]! };
}

interface DbColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  character_maximum_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  is_nullable: "YES" | "NO";
}

let database: Awaited<ReturnType<typeof createMigratedDatabase>>;
let prismaColumns: PrismaColumn[];
let dbColumns: Map<string, DbColumn>;
let schemaText: string;

beforeAll(async () => {
  database = await createMigratedDatabase();
  schemaText = await readFile(path.resolve(import.meta.dirname, "../../../prisma/schema.prisma"), "utf8");
  prismaColumns = parsePrismaSchema(schemaText);
  const tables = [...new Set(prismaColumns.map((column) => column.table))];
  const rows = await database.owner.$queryRawUnsafe<DbColumn[]>(
    `select table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable
       from information_schema.columns where table_schema = current_schema() and table_name = any($1)`,
    tables,
  );
  dbColumns = new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, row]));
});
afterAll(() => database?.close());

describe("prisma/schema.prisma and the migrated database", () => {
  it("parses every model of the schema", () => {
    const models = new Set(prismaColumns.map((column) => column.model));
    expect([...models].sort()).toEqual([
      "ApiKey",
      "Assistant",
      "AuditEntry",
      "Budget",
      "Chat",
      "Document",
      "DocumentChunk",
      "DocumentFile",
      "DocumentJob",
      "FirstAccount",
      "Group",
      "GroupMember",
      "Invitation",
      "Message",
      "MessageAttachment",
      "MessageSource",
      "ModelConfig",
      "ModelGroupAccess",
      "ModelPrice",
      "Notification",
      "Organization",
      "PasswordReset",
      "PromptTemplate",
      "ProviderConnection",
      "Session",
      "TokenUsage",
      "User",
    ]);
  });

  it("give every model field a column of a compatible type and the same nullability", () => {
    const problems: string[] = [];
    for (const column of prismaColumns) {
      const where = `${column.model}.${column.field} → ${column.table}.${column.column}`;
      const db = dbColumns.get(`${column.table}.${column.column}`);
      if (!db) {
        problems.push(`${where}: no such column`);
        continue;
      }
      const expected = expectedColumnType(column);
      if (db.data_type !== expected.dataType)
        problems.push(`${where}: ${db.data_type}, schema says ${expected.dataType}`);
      if (expected.length !== undefined && Number(db.character_maximum_length) !== expected.length) {
        problems.push(`${where}: length ${db.character_maximum_length}, schema says ${expected.length}`);
      }
      if (expected.precision !== undefined && Number(db.numeric_precision) !== expected.precision) {
        problems.push(`${where}: precision ${db.numeric_precision}, schema says ${expected.precision}`);
      }
      if (expected.scale !== undefined && Number(db.numeric_scale) !== expected.scale) {
        problems.push(`${where}: scale ${db.numeric_scale}, schema says ${expected.scale}`);
      }
      if ((db.is_nullable === "YES") !== column.optional) {
        problems.push(`${where}: nullable=${db.is_nullable}, schema optional=${column.optional}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("map every column of our tables (nothing the client cannot see)", () => {
    const mapped = new Set([
      ...prismaColumns.map((column) => `${column.table}.${column.column}`),
      ...unsupportedColumns(schemaText),
    ]);
    const unmapped = [...dbColumns.keys()].filter((key) => !mapped.has(key));
    expect(unmapped).toEqual([]);
  });

  it("round-trips through the API's Prisma client, as a user (org_id and user_id from the identity)", async () => {
    const user = await database.owner.user.create({
      data: {
        orgId: DEFAULT_ORGANIZATION_ID,
        username: "roundtrip",
        email: "roundtrip@example.com",
        passwordHash: "x",
      },
    });
    const identity = { userId: user.id, orgId: user.orgId, orgAdmin: false, platformAdmin: false };
    await runAs(identity, () => roundTrip(user.id));
  });
});

async function roundTrip(userId: string) {
  {
    const user = { id: userId };
    const chat = await database.prisma.chat.create({ data: { userId: user.id, temperature: 0.55 } });
    const message = await database.prisma.message.create({
      data: { chatId: chat.id, role: "user", content: "Grüße 👋", clientMessageId: "c-1" },
    });
    await database.prisma.tokenUsage.create({
      data: {
        userId: user.id,
        chatId: chat.id,
        messageId: message.id,
        model: "openai/gpt-5.1",
        provider: "openai",
        estimatedCost: "0.0000012345",
      },
    });
    const loaded = await database.prisma.chat.findUniqueOrThrow({
      where: { id: chat.id },
      include: { messages: true, usage: true },
    });
    // The column default is the one default title the API and the PWA know.
    expect(loaded.title).toBe(DEFAULT_CHAT_TITLE);
    expect(loaded.temperature?.toString()).toBe("0.55");
    expect(loaded.messages[0]?.content).toBe("Grüße 👋");
    expect(loaded.messages[0]?.status).toBe("complete");
    expect(loaded.usage[0]?.estimatedCost.toString()).toBe("0.0000012345");
    expect(loaded.messages[0]).toMatchObject({ userId, orgId: loaded.orgId });
  }
}
