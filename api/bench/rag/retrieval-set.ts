import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The committed labelled retrieval set: documents as uploaded files (files/, made by make-set.ts from the
// Markdown in documents/) and questions with the passage that answers each (questions.json).

const here = path.dirname(fileURLToPath(import.meta.url));
export const FILES_DIRECTORY = path.join(here, "files");

/** What files/manifest.json holds for each document id. */
export interface ManifestEntry {
  file: string;
  kind: string;
  language: string;
  title: string;
  /** Markdown page (1-based, as questions.json counts) → the pages of the file it lands on after extraction. */
  pages: Record<string, number[]>;
}

export interface Question {
  id: string;
  language: "de" | "en";
  question: string;
  document: string;
  /** The Markdown page of the document (pages end at a `<!-- page -->` line), 1-based. */
  page: number;
  /** A passage of the document that answers the question, copied from its Markdown. */
  evidence: string;
  crossLanguage?: boolean;
}

export function readManifest(): Record<string, ManifestEntry> {
  return JSON.parse(readFileSync(path.join(FILES_DIRECTORY, "manifest.json"), "utf8"));
}

export function readQuestions(): Question[] {
  return JSON.parse(readFileSync(path.join(here, "questions.json"), "utf8"));
}

/**
 * Text as compared for relevance: Markdown table pipes and escapes dropped (the evidence is copied from
 * Markdown, a PDF's text layer has no pipes), typographic quotes and dashes made plain (OCR reads them
 * either way), whitespace collapsed.
 */
export function comparableText(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, "$1")
    .replace(/\|/g, " ")
    .replace(/[„“”]/g, '"')
    .replace(/[‚‘’]/g, "'")
    .replace(/[–—]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

/** A passage spanning a chunk boundary: a chunk holding this many of its first characters counts. */
export const EVIDENCE_PREFIX = 40;

/**
 * A hit answers the question when it is from the question's document, from a page its Markdown page lands
 * on, and holds the evidence: all of it or, as chunks may cut it, its first EVIDENCE_PREFIX characters.
 */
export function isRelevant(
  hit: { documentId: string; page: number; text: string },
  question: Question,
  documentIds: ReadonlyMap<string, string>,
  manifest: Record<string, ManifestEntry>,
): boolean {
  if (hit.documentId !== documentIds.get(question.document)) return false;
  const pages = manifest[question.document]?.pages[String(question.page)] ?? [];
  if (!pages.includes(hit.page)) return false;
  const text = comparableText(hit.text);
  const evidence = comparableText(question.evidence);
  return text.includes(evidence) || text.includes(evidence.slice(0, EVIDENCE_PREFIX).trim());
}
