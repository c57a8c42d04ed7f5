// Imports every file that defines part of the schema, then builds it. Add new domains here.
import "./scalars.js";
import "./json-scalar.js";
import "../users/schema.js";
import "../auth/schema.js";
import "../models/schema.js";
import "../messages/schema.js";
import "../chats/schema.js";
import "../usage/schema.js";
import "../assistants/schema.js";
import "../templates/schema.js";
import "../api-keys/schema.js";
import "../organizations/schema.js";
import "../people/schema.js";
import "../groups/schema.js";
import "../budgets/schema.js";
import "../notifications/schema.js";
import "../provider-keys/schema.js";
import "../audit/schema.js";
import "../documents/schema.js";
import { lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "./builder.js";

export const schema = builder.toSchema();

export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
