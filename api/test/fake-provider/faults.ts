import { createHash } from "node:crypto";
import { seededRandom } from "./sse-format.js";
import type { FakeProviderId, ParsedRequest } from "./types.js";

// Seeded fault injection (the soak, api/bench/soak): every answer call draws its fate from the seed and
// the call's identity — provider, model, prompt and how many calls with that same prompt came before —
// so one seed gives the same plan in whatever order concurrent calls arrive, and a retry of a failed
// call draws anew. Every call is logged with its fault and the text it actually wrote.

export const FAULT_KINDS = ["429", "500", "cut", "stall"] as const;
/**
 * `429`: a rate-limit reply with retry-after; `500`: a server error before the first token; `cut`: some
 * text, then the connection is destroyed without the end marker; `stall`: some text, then silence.
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultOptions {
  /** Share of answer calls that get a fault, 0…1. */
  rate: number;
  seed: number;
  /** Kinds drawn from, equally likely (default: all four). */
  kinds?: readonly FaultKind[];
  /** retry-after seconds sent with a 429 (default 1). */
  retryAfterSeconds?: number;
  /** How long a stall stays silent before the connection is destroyed (default: until the client goes). */
  stallMs?: number;
}

export type CallOutcome = "streaming" | "complete" | "refused" | "cut" | "stalled" | "client-gone";

/** One answer call (a POST that would stream), as the fake provider served it. */
export interface FakeCall {
  /** Order of arrival, from 1. */
  number: number;
  provider: FakeProviderId;
  model: string;
  lastUserText: string;
  /** How many calls with the same provider, model and prompt came before this one. */
  attempt: number;
  fault: FaultKind | null;
  /** For `cut` and `stall`: how many text pieces go out before the fault (at least one). */
  piecesBeforeFault: number;
  /** Text pieces (about one token each) written to the client, and their text. */
  piecesSent: number;
  textSent: string;
  outcome: CallOutcome;
  /** Wall-clock milliseconds (performance.timeOrigin + performance.now()), comparable across processes. */
  startedAt: number;
  endedAt: number | null;
}

export interface CallCounts {
  calls: number;
  /** Calls that wrote at least one text piece. */
  callsWithTokens: number;
  /** Calls to be billed exactly once (see `isBillable`). */
  billableCalls: number;
  byFault: Record<FaultKind | "none", number>;
  byOutcome: Record<CallOutcome, number>;
}

export interface FaultInjector {
  readonly options: Required<Omit<FaultOptions, "stallMs">> & { stallMs: number | undefined };
  /** Draws the fate of a new call and logs it. `pieceCount`: pieces of the full answer. */
  begin(provider: FakeProviderId, parsed: ParsedRequest, pieceCount: number): FakeCall;
  readonly calls: FakeCall[];
  counts(): CallCounts;
  reset(): void;
}

const now = () => performance.timeOrigin + performance.now();

export function createFaultInjector(options: FaultOptions): FaultInjector {
  if (!(options.rate >= 0 && options.rate <= 1))
    throw new Error(`fault rate must be 0…1, got ${options.rate}`);
  const kinds = options.kinds ?? FAULT_KINDS;
  if (kinds.length === 0) throw new Error("fault kinds must not be empty");
  const resolved = {
    rate: options.rate,
    seed: options.seed,
    kinds,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    stallMs: options.stallMs,
  };
  const calls: FakeCall[] = [];
  const attempts = new Map<string, number>();

  return {
    options: resolved,
    calls,
    begin(provider, parsed, pieceCount) {
      const identity = `${provider}\n${parsed.model}\n${parsed.lastUserText}`;
      const attempt = attempts.get(identity) ?? 0;
      attempts.set(identity, attempt + 1);
      const random = seededRandom(hash32(`${resolved.seed}\n${attempt}\n${identity}`));
      const faulty = random() < resolved.rate;
      const kind = kinds[Math.floor(random() * kinds.length)] ?? null;
      // At least one piece before a cut or a stall, and (when there are two or more) not all of them.
      const piecesBeforeFault = 1 + Math.floor(random() * Math.max(1, pieceCount - 1));
      const call: FakeCall = {
        number: calls.length + 1,
        provider,
        model: parsed.model,
        lastUserText: parsed.lastUserText,
        attempt,
        fault: faulty ? kind : null,
        piecesBeforeFault: faulty && (kind === "cut" || kind === "stall") ? piecesBeforeFault : 0,
        piecesSent: 0,
        textSent: "",
        outcome: "streaming",
        startedAt: now(),
        endedAt: null,
      };
      calls.push(call);
      return call;
    },
    counts: () => countCalls(calls),
    reset() {
      calls.length = 0;
      attempts.clear();
    },
  };
}

export function countCalls(calls: readonly FakeCall[]): CallCounts {
  const byFault = Object.fromEntries(["none", ...FAULT_KINDS].map((kind) => [kind, 0])) as Record<
    FaultKind | "none",
    number
  >;
  const byOutcome: Record<CallOutcome, number> = {
    streaming: 0,
    complete: 0,
    refused: 0,
    cut: 0,
    stalled: 0,
    "client-gone": 0,
  };
  for (const call of calls) {
    byFault[call.fault ?? "none"] += 1;
    byOutcome[call.outcome] += 1;
  }
  return {
    calls: calls.length,
    callsWithTokens: calls.filter((call) => call.piecesSent > 0).length,
    billableCalls: calls.filter(isBillable).length,
    byFault,
    byOutcome,
  };
}

/**
 * A call a provider charges for: it wrote tokens, or its client hung up while it worked on the prompt
 * (stopped, shut down). Refused calls (429, 500) cost nothing.
 */
export function isBillable(call: FakeCall): boolean {
  return call.piecesSent > 0 || call.outcome === "client-gone";
}

/** Marks a call as ended; a call that already ended keeps its first outcome. */
export function endCall(call: FakeCall, outcome: Exclude<CallOutcome, "streaming">): void {
  if (call.outcome !== "streaming") return;
  call.outcome = outcome;
  call.endedAt = now();
}

function hash32(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32LE(0);
}
