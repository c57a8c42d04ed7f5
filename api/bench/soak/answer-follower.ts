import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "graphql-sse";
import { MESSAGE_STREAM, type StreamEventResult } from "../../test/support/subscribe.js";
import type { AnswerRecord, SubscriptionRecord, UserContext } from "./records.js";
import { graphqlRequest, type Target } from "./traffic.js";

// Following one answer as a client does: over graphql-sse, subscribing again when a stream ends without
// MessageCompleted or MessageFailed or breaks (on either replica), and — since every subscription starts
// from the whole text — keeping the text of the newest subscription once it has caught up
// (pwa/src/messages/stream-assembly.ts). Some clients drop their stream mid-answer, some stop the answer.

const STOP = `mutation($id: ID!) { stopGeneration(messageId: $id) { status } }`;

interface FollowPlan {
  /** Drop the stream after this many deltas of the first subscription (null: never). */
  dropAfter: number | null;
  /** Stop the answer after this many deltas (null: never). */
  stopAfter: number | null;
}

export async function follow(
  context: UserContext,
  record: AnswerRecord,
  token: string,
  random: () => number,
  deadline: number,
) {
  const { options } = context;
  const plan: FollowPlan = {
    dropAfter: random() < options.dropRate ? 1 + Math.floor(random() * 5) : null,
    stopAfter: random() < options.stopRate ? 2 + Math.floor(random() * 5) : null,
  };
  let next: Target = context.balancer.pick();
  let deltasSeen = 0;
  while (!record.final) {
    if (Date.now() > deadline) {
      record.gaveUp = true;
      return;
    }
    const ending = await subscribeOnce(context, record, token, next, deadline, (deltasInThisSubscription) => {
      deltasSeen += 1;
      if (plan.stopAfter !== null && deltasSeen >= plan.stopAfter && !record.stopRequested) {
        record.stopRequested = true;
        void stopAnswer(context, record, token);
      }
      const drop = plan.dropAfter !== null && !record.dropped && deltasInThisSubscription >= plan.dropAfter;
      if (drop) record.dropped = true;
      return drop;
    });
    if (ending === "final") return;
    if (ending === "gave-up") {
      record.gaveUp = true;
      return;
    }
    if (ending === "dropped") {
      await sleep(random() * 300);
      // Some come back on the other replica, the others wherever the balancer sends them.
      next = random() < 0.5 ? context.balancer.pick(next.slot) : context.balancer.pick();
    } else if (ending === "ended-without-final") {
      next = context.balancer.pick(next.slot);
    } else {
      await sleep(200 + random() * 300);
      next = context.balancer.pick(next.slot);
    }
  }
}

/**
 * One subscription to the answer, until it ends. `onDelta` is told how many deltas this subscription
 * has had and answers whether to drop the stream now (a client losing its connection).
 */
function subscribeOnce(
  context: UserContext,
  record: AnswerRecord,
  token: string,
  target: Target,
  deadline: number,
  onDelta: (deltasInThisSubscription: number) => boolean,
): Promise<SubscriptionRecord["ended"]> {
  const subscription: SubscriptionRecord = {
    label: target.label,
    startedAt: Date.now(),
    deltas: 0,
    receivedChars: 0,
    ended: "error",
  };
  record.subscriptions.push(subscription);
  const client = createClient({
    url: `${target.url}/graphql/stream`,
    headers: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    fetchFn: context.counters.countingFetch(target),
  });
  let received = "";
  return new Promise((resolve) => {
    let done = false;
    const finish = (ended: SubscriptionRecord["ended"], detail?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscription.ended = ended;
      if (detail) subscription.detail = detail;
      subscription.receivedChars = received.length;
      dispose();
      client.dispose();
      resolve(ended);
    };
    const timer = setTimeout(() => finish("gave-up"), Math.max(0, deadline - Date.now()));
    const dispose = client.subscribe<{ messageStream: StreamEventResult }>(
      { query: MESSAGE_STREAM, variables: { messageId: record.assistantMessageId } },
      {
        next: (result) => {
          if (done) return;
          const first = result.errors?.[0] as
            | { message?: string; extensions?: { code?: string } }
            | undefined;
          if (first) {
            const code = first.extensions?.code ?? "UNKNOWN";
            context.counters.countGraphqlError({
              at: Date.now(),
              label: target.label,
              operation: "messageStream",
              code,
              message: first.message ?? "",
            });
            return finish("error", `${code}: ${first.message}`);
          }
          const event = result.data?.messageStream;
          if (!event) return;
          if (event.__typename === "MessageDelta") {
            const text = event.text ?? "";
            subscription.deltas += 1;
            received += text;
            if (text && record.firstDeltaAt === null) record.firstDeltaAt = Date.now();
            assemble(record, subscription, received);
            if (onDelta(subscription.deltas)) finish("dropped");
          } else {
            record.final =
              event.__typename === "MessageCompleted"
                ? {
                    type: event.__typename,
                    status: event.message?.status ?? "",
                    content: event.message?.content ?? "",
                  }
                : { type: "MessageFailed", code: event.code ?? "", message: event.errorMessage ?? "" };
            record.finalSubscriptionText = received;
            finish("final");
          }
        },
        error: (error) => finish("error", error instanceof Error ? error.message : describe(error)),
        complete: () => finish(record.final ? "final" : "ended-without-final"),
      },
    );
  });
}

/** The PWA's rule: until a new subscription has caught up, the longer text of the previous one stays. */
function assemble(record: AnswerRecord, subscription: SubscriptionRecord, received: string) {
  const shown = record.text;
  const consistent =
    received.length >= shown.length ? received.startsWith(shown) : shown.startsWith(received);
  if (!consistent && record.divergences.length < 3) {
    let at = 0;
    while (at < shown.length && at < received.length && shown[at] === received[at]) at++;
    record.divergences.push(
      `subscription ${record.subscriptions.length} on ${subscription.label} diverged at char ${at}: ` +
        `shown …${JSON.stringify(shown.slice(Math.max(0, at - 20), at + 30))} vs received …${JSON.stringify(received.slice(Math.max(0, at - 20), at + 30))}`,
    );
  }
  if (received.length >= shown.length) record.text = received;
}

async function stopAnswer(context: UserContext, record: AnswerRecord, token: string) {
  const target = context.balancer.pick();
  const outcome = await graphqlRequest<{ stopGeneration: { status: string } }>(
    context.counters,
    target,
    "stopGeneration",
    STOP,
    { id: record.assistantMessageId },
    { token },
  );
  record.stopOutcome =
    outcome.kind === "data"
      ? `${target.label}: ${outcome.data.stopGeneration.status}`
      : `${target.label}: ${outcome.kind === "error" ? outcome.code : outcome.kind}`;
}

function describe(error: unknown): string {
  if (error instanceof Response || (typeof error === "object" && error !== null && "status" in error)) {
    return `HTTP ${(error as { status: number }).status}`;
  }
  try {
    return JSON.stringify(error).slice(0, 200);
  } catch {
    return String(error);
  }
}
