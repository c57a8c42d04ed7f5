import { readFile } from "node:fs/promises";
import type { Violation } from "./verify.js";

// The API processes' output: read back after the run, counted by message (warn and above), and searched
// for the lines that mention a violation's ids.

export interface LogSummaryEntry {
  label: string;
  level: string;
  message: string;
  count: number;
}

export interface LogLine {
  label: string;
  text: string;
  level: number;
  message: string;
}

export async function readLogs(files: Record<string, string>): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for (const [label, file] of Object.entries(files)) {
    for (const text of (await readFile(file, "utf8")).split("\n")) {
      // Blank lines, the continuation lines of stack traces printed outside the logger, the loop probe.
      if (!text.trim() || /^\s/.test(text) || text.startsWith("XQT5_LOOP ")) continue;
      let level = 50;
      let message = text.slice(0, 160);
      try {
        const parsed = JSON.parse(text) as { level?: number; msg?: string };
        level = parsed.level ?? level;
        message = parsed.msg ?? message;
      } catch {
        // Not a pino line (e.g. a crash on stderr): kept as an error.
      }
      lines.push({ label, text, level, message });
    }
  }
  return lines;
}

const LEVELS: Record<number, string> = { 30: "info", 40: "warn", 50: "error", 60: "fatal" };

export function summarizeLogs(lines: LogLine[]): LogSummaryEntry[] {
  const counts = new Map<string, LogSummaryEntry>();
  for (const line of lines) {
    if (line.level < 40) continue;
    const key = `${line.label}\n${line.level}\n${line.message}`;
    const entry = counts.get(key) ?? {
      label: line.label,
      level: LEVELS[line.level] ?? String(line.level),
      message: line.message,
      count: 0,
    };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

export function evidenceFor(violations: Violation[], lines: LogLine[]): Map<Violation, string[]> {
  const evidence = new Map<Violation, string[]>();
  for (const violation of violations) {
    if (violation.ids.length === 0) continue;
    const found = lines
      .filter((line) => violation.ids.some((id) => line.text.includes(id)))
      .slice(0, 6)
      .map(compactLogLine);
    if (found.length > 0) evidence.set(violation, found);
  }
  return evidence;
}

/** A pino line as "B2 21:08:04.470 error answer generation failed — MaxRetriesPerRequestError: …". */
function compactLogLine(line: LogLine): string {
  try {
    const parsed = JSON.parse(line.text) as {
      time?: number;
      msg?: string;
      err?: { type?: string; message?: string };
      [key: string]: unknown;
    };
    const time = parsed.time ? new Date(parsed.time).toISOString().slice(11, 23) : "";
    const error = parsed.err ? ` — ${parsed.err.type ?? "Error"}: ${parsed.err.message ?? ""}` : "";
    const ids = ["messageId", "chatId", "code", "attempt"]
      .filter((key) => parsed[key] !== undefined)
      .map((key) => `${key}=${String(parsed[key])}`)
      .join(" ");
    return `${line.label} ${time} ${LEVELS[line.level] ?? line.level} ${parsed.msg ?? ""}${error}${ids ? ` (${ids})` : ""}`.slice(
      0,
      400,
    );
  } catch {
    return `${line.label} ${line.text.slice(0, 400)}`;
  }
}
