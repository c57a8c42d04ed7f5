import { vector } from "@electric-sql/pglite/vector";

/**
 * The extensions every embedded database is opened with: pgvector, so that document chunks get a
 * vector column with HNSW indexes (see the documents migration). A data folder made with an extension
 * must always be opened with it.
 */
export const PGLITE_EXTENSIONS = { vector };
