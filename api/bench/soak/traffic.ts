import type { Replicas } from "./stack.js";

// What a load balancer in front of the two replicas does, and what the clients count: a replica is in
// rotation while its /readyz answers 200 (checked every 300 ms; a replica reports not ready for
// SHUTDOWN_DELAY_MS before it drains, so none of its requests should meet the drain; a check that times
// out counts only three times in a row); every response's status is
// counted, whether it came to a GraphQL request or a graphql-sse stream.

export type Slot = "A" | "B";

export interface Target {
  slot: Slot;
  /** Which process (A, B, B2 …) served it. */
  label: string;
  url: string;
}

export interface ServerErrorRecord {
  /** When the request went out and when its answer came (ms since the epoch). */
  sentAt: number;
  at: number;
  label: string;
  path: string;
  status: number;
  body: string;
}

export interface GraphqlErrorRecord {
  at: number;
  label: string;
  operation: string;
  code: string;
  message: string;
}

/** Counters shared by every simulated user. */
export class TrafficCounters {
  requests = 0;
  readonly byStatus = new Map<number, number>();
  /** 503 from a draining replica (among serverErrors): none expected, it left the rotation first. */
  draining503 = 0;
  readonly drainingByLabel = new Map<string, number>();
  /** Requests sent while the balancer saw no replica ready (it then takes either). */
  picksWithNoneReady = 0;
  /** Every 5xx: must be none. */
  readonly serverErrors: ServerErrorRecord[] = [];
  /** Refused or broken connections (expected around a replica's exit). */
  readonly connectionErrors = new Map<string, number>();
  readonly graphqlErrors = new Map<string, number>();
  /** INTERNAL errors in GraphQL results: an unexpected server error, like a 5xx. Must be none. */
  readonly internalErrors: GraphqlErrorRecord[] = [];

  countConnectionError(label: string, error: unknown) {
    const code = errorCode(error);
    const key = `${label} ${code}`;
    this.connectionErrors.set(key, (this.connectionErrors.get(key) ?? 0) + 1);
  }

  countGraphqlError(record: GraphqlErrorRecord) {
    const key = `${record.operation} ${record.code}`;
    this.graphqlErrors.set(key, (this.graphqlErrors.get(key) ?? 0) + 1);
    if (record.code === "INTERNAL") this.internalErrors.push(record);
  }

  /** A fetch that counts the status of every response (and reads the body of 5xx ones). */
  countingFetch(target: Target): typeof fetch {
    return async (input, init) => {
      this.requests += 1;
      const sentAt = Date.now();
      let response: Response;
      try {
        response = await fetch(input, init);
      } catch (error) {
        if (!init?.signal?.aborted) this.countConnectionError(target.label, error);
        throw error;
      }
      this.byStatus.set(response.status, (this.byStatus.get(response.status) ?? 0) + 1);
      if (response.status >= 500) {
        const body = await response
          .clone()
          .text()
          .catch(() => "");
        if (response.status === 503 && /"status"\s*:\s*"draining"/.test(body)) {
          this.draining503 += 1;
          this.drainingByLabel.set(target.label, (this.drainingByLabel.get(target.label) ?? 0) + 1);
        }
        this.serverErrors.push({
          sentAt,
          at: Date.now(),
          label: target.label,
          path: new URL(String(input instanceof Request ? input.url : input)).pathname,
          status: response.status,
          body: body.slice(0, 300),
        });
      }
      return response;
    };
  }
}

export function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** Picks a replica in rotation at random, as a load balancer without session affinity does. */
export class LoadBalancer {
  private readonly inRotation = new Map<Slot, boolean>([
    ["A", true],
    ["B", true],
  ]);
  private readonly checker: NodeJS.Timeout;

  constructor(
    private readonly replicas: Replicas,
    private readonly random: () => number,
  ) {
    this.checker = setInterval(() => void this.check(), 300);
    this.checker.unref();
  }

  /** Picks made while no replica was ready: any was taken (what a balancer without a healthy one does). */
  noneReady = 0;

  /** A replica in rotation; `avoid` is taken only when it is the only one. */
  pick(avoid?: Slot): Target {
    const live = (["A", "B"] as Slot[]).filter((slot) => this.inRotation.get(slot));
    if (live.length === 0) this.noneReady += 1;
    // None ready: rather one that is only slow to answer than one that said it is not ready.
    const slow = (["A", "B"] as Slot[]).filter((slot) => !this.refused.has(slot));
    const choices = live.length > 0 ? live : slow.length > 0 ? slow : (["A", "B"] as Slot[]);
    const preferred = choices.filter((slot) => slot !== avoid);
    const pool = preferred.length > 0 ? preferred : choices;
    const slot = pool[Math.floor(this.random() * pool.length)] ?? "A";
    return this.target(slot);
  }

  target(slot: Slot): Target {
    const instance = this.replicas.instance(slot);
    return { slot, label: instance.label, url: instance.url };
  }

  stop() {
    clearInterval(this.checker);
  }

  /** Replicas whose last check answered "not ready" (or refused the connection). */
  private readonly refused = new Set<Slot>();
  private readonly timeoutsInARow = new Map<Slot, number>([
    ["A", 0],
    ["B", 0],
  ]);

  /**
   * A replica that answers "not ready" (or refuses the connection) leaves the rotation at once; one that
   * does not answer within the timeout only after three checks in a row (Kubernetes' failureThreshold),
   * so that a replica slowed by all the traffic is not dropped for being busy.
   */
  private async check() {
    await Promise.all(
      (["A", "B"] as Slot[]).map(async (slot) => {
        const { url } = this.target(slot);
        const answer = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) }).then(
          (response) => (response.ok ? "ready" : "not ready"),
          (error: unknown) =>
            error instanceof Error && error.name === "TimeoutError" ? "timeout" : "not ready",
        );
        const timeouts = answer === "timeout" ? (this.timeoutsInARow.get(slot) ?? 0) + 1 : 0;
        this.timeoutsInARow.set(slot, timeouts);
        if (answer === "not ready") this.refused.add(slot);
        else this.refused.delete(slot);
        if (answer === "ready") this.inRotation.set(slot, true);
        else if (answer === "not ready" || timeouts >= 3) this.inRotation.set(slot, false);
      }),
    );
  }
}

export type GraphqlOutcome<Data> =
  | { kind: "data"; data: Data }
  | { kind: "error"; code: string; message: string; retryAfter?: number; status: number }
  | { kind: "unavailable"; reason: string }
  | { kind: "aborted" };

/** One GraphQL request over HTTP, classified: data, a GraphQL error, or the replica unavailable. */
export async function graphqlRequest<Data>(
  counters: TrafficCounters,
  target: Target,
  operation: string,
  query: string,
  variables: Record<string, unknown>,
  options: { token?: string; signal?: AbortSignal } = {},
): Promise<GraphqlOutcome<Data>> {
  let response: Response;
  try {
    response = await counters.countingFetch(target)(`${target.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) return { kind: "aborted" };
    return { kind: "unavailable", reason: errorCode(error) };
  }
  let body: { data?: Data; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch (error) {
    if (options.signal?.aborted) return { kind: "aborted" };
    return { kind: "unavailable", reason: `HTTP ${response.status}: ${errorCode(error)}` };
  }
  if (response.status === 503 && !body.errors) return { kind: "unavailable", reason: "HTTP 503" };
  const first = body.errors?.[0];
  if (first) {
    const code = String(first.extensions?.code ?? `HTTP_${response.status}`);
    counters.countGraphqlError({
      at: Date.now(),
      label: target.label,
      operation,
      code,
      message: first.message,
    });
    const retryAfter = Number(first.extensions?.retryAfter);
    return {
      kind: "error",
      code,
      message: first.message,
      status: response.status,
      ...(Number.isFinite(retryAfter) ? { retryAfter } : {}),
    };
  }
  if (response.status >= 500 || body.data === undefined) {
    return { kind: "unavailable", reason: `HTTP ${response.status}` };
  }
  return { kind: "data", data: body.data };
}
