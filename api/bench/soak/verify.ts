import pg from "pg";
import { type FakeCall, isBillable } from "../../test/fake-provider/faults.js";
import { type AnswerRecord, SOAK_MODEL, TAG_PATTERN, type UserRecord } from "./records.js";

// The soak's verdict: what the database holds after the run, against what the clients sent and saw
// and what the fake provider served. Every violation names its invariant and carries the evidence.

export interface StoredMessage {
  id: string;
  chatId: string;
  role: "user" | "assistant";
  content: string;
  status: string;
  errorCode: string | null;
  clientMessageId: string | null;
  replyToId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredUsage {
  chatId: string | null;
  messageId: string | null;
  purpose: string;
  model: string;
  completionTokens: number;
}

export interface StoredState {
  messages: StoredMessage[];
  usage: StoredUsage[];
  chats: { id: string; title: string }[];
}

export async function readStoredState(databaseUrl: string): Promise<StoredState> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const messages = await client.query(
      `select id, chat_id as "chatId", role, content, status, error_code as "errorCode",
              client_message_id as "clientMessageId", reply_to_id as "replyToId",
              created_at as "createdAt", updated_at as "updatedAt"
         from chat_messages order by chat_id, created_at, id`,
    );
    const usage = await client.query(
      `select chat_id as "chatId", message_id as "messageId", purpose, model,
              completion_tokens as "completionTokens" from chat_token_usage`,
    );
    const chats = await client.query(`select id, title from chats`);
    return { messages: messages.rows, usage: usage.rows, chats: chats.rows };
  } finally {
    await client.end();
  }
}

/** Answers still `streaming`; polled after the run until none is left or the time is up. */
export async function countStreaming(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select count(*)::int as n from chat_messages where status = 'streaming'`,
    );
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}

export interface Violation {
  invariant: string;
  detail: string;
  /** Ids to look for in the API logs. */
  ids: string[];
}

export interface Verdict {
  violations: Violation[];
  figures: {
    messagesPlanned: number;
    messagesAcknowledged: number;
    userMessagesStored: number;
    answersByStatus: Record<string, number>;
    notTerminal: number;
    textsCompared: number;
    textMismatches: number;
    chatCalls: number;
    titleCalls: number;
    billableCalls: number;
    callsStillOpen: number;
    usageRows: { chat: number; title: number };
    billingMismatches: number;
    /** Failed answers that kept a shorter prefix than the provider had written before failing. */
    failedTailsLost: { answers: number; chars: number };
  };
}

interface VerifyInput {
  users: UserRecord[];
  answers: AnswerRecord[];
  stored: StoredState;
  calls: FakeCall[];
  messagesPlanned: number;
}

const CHAT_PROVIDER_MODEL = SOAK_MODEL.split("/")[1];

export function verify(input: VerifyInput): Verdict {
  const violations: Violation[] = [];
  const fail = (invariant: string, detail: string, ids: (string | null)[] = []) =>
    violations.push({ invariant, detail, ids: ids.filter((id): id is string => Boolean(id)) });

  const { stored, answers } = input;
  const byId = new Map(stored.messages.map((message) => [message.id, message]));
  const recordByTag = new Map(answers.map((record) => [record.tag, record]));
  const chatIdByKey = new Map(answers.map((record) => [`${record.user}/${record.chat}`, record.chatId]));
  const tagOf = (text: string) => TAG_PATTERN.exec(text)?.[0] ?? null;

  // Provider calls, by the answer (tag) or the chat (title) they were made for.
  const chatCalls = new Map<string, FakeCall[]>();
  const titleCalls = new Map<string, FakeCall[]>();
  for (const call of input.calls) {
    const match = TAG_PATTERN.exec(call.lastUserText);
    if (!match) continue;
    if (call.model === CHAT_PROVIDER_MODEL && call.lastUserText.startsWith(match[0])) {
      push(chatCalls, match[0], call);
    } else {
      push(titleCalls, chatIdByKey.get(`${match[1]}/${match[2]}`) ?? `unknown chat ${match[0]}`, call);
    }
  }

  for (const user of input.users) {
    if (!user.signedIn)
      fail(
        "every user signs in",
        `${user.username}: ${user.failures.join("; ")} — attempts: ${user.signInAttempts.join(", ")}`,
      );
    else if (user.failures.length > 0)
      fail("every user opens its chats", `${user.username}: ${user.failures.join("; ")}`);
  }

  // User messages: each acknowledged one stored exactly once, in the order sent.
  const storedUserMessages = stored.messages.filter((message) => message.role === "user");
  const storedByChat = new Map<string, StoredMessage[]>();
  for (const message of storedUserMessages) push(storedByChat, message.chatId, message);
  const recordsByChat = new Map<string, AnswerRecord[]>();
  for (const record of answers) push(recordsByChat, record.chatId, record);
  for (const [chatId, records] of recordsByChat) {
    const storedTags = (storedByChat.get(chatId) ?? []).map(
      (message) => tagOf(message.content) ?? message.content,
    );
    for (const record of records) {
      const copies = storedTags.filter((tag) => tag === record.tag).length;
      if (record.acknowledgedAt === null) {
        fail(
          "every send is acknowledged",
          `${record.tag} chat ${chatId}: never acknowledged (${copies} stored) — ${record.sendAttempts.join(", ")}`,
          [chatId],
        );
      } else if (copies === 0) {
        fail(
          "user messages sent = stored",
          `${record.tag} acknowledged by ${record.acknowledgedBy} but not stored`,
          [record.userMessageId, chatId],
        );
      }
      if (copies > 1)
        fail(
          "each user message stored once",
          `${record.tag} stored ${copies} times — ${record.sendAttempts.join(", ")}`,
          [chatId],
        );
    }
    const expected = records.map((record) => record.tag).filter((tag) => storedTags.includes(tag));
    const storedOnce = storedTags.filter((tag, index) => storedTags.indexOf(tag) === index);
    if (expected.join("\n") !== storedOnce.join("\n")) {
      fail(
        "user messages in order",
        `chat ${chatId}: sent ${expected.join(" ")} — stored ${storedTags.join(" ")}`,
        [chatId],
      );
    }
  }

  // Answers: one per user message, terminal, as the subscriber saw it, as the provider sent it, billed.
  const answersByStatus: Record<string, number> = {};
  const answersByUserMessage = new Map<string, StoredMessage[]>();
  for (const message of stored.messages) {
    if (message.role !== "assistant") continue;
    answersByStatus[message.status] = (answersByStatus[message.status] ?? 0) + 1;
    if (message.replyToId) push(answersByUserMessage, message.replyToId, message);
  }
  for (const message of storedUserMessages) {
    const count = answersByUserMessage.get(message.id)?.length ?? 0;
    if (count !== 1)
      fail("one answer per user message", `${tagOf(message.content)}: ${count} answers`, [message.id]);
  }

  const chatUsage = new Map<string, StoredUsage[]>();
  const titleUsage = new Map<string, StoredUsage[]>();
  for (const row of stored.usage) {
    if (row.purpose === "chat") push(chatUsage, row.messageId ?? "none", row);
    else push(titleUsage, row.chatId ?? "none", row);
  }

  let textsCompared = 0;
  let textMismatches = 0;
  let billingMismatches = 0;
  let notTerminal = 0;
  // Failed answers that kept less than the provider had delivered before it failed (not a violation:
  // the text is a true prefix, and what a subscriber saw is checked above).
  const tailsLost = { answers: 0, chars: 0 };
  for (const answer of stored.messages) {
    if (answer.role !== "assistant") continue;
    const question = answer.replyToId ? byId.get(answer.replyToId) : undefined;
    const tag = question ? tagOf(question.content) : null;
    const record = tag ? recordByTag.get(tag) : undefined;
    const calls = (tag && chatCalls.get(tag)) || [];
    const last = calls.at(-1);
    const evidence = () =>
      `${tag} answer ${answer.id} (sent via ${record?.acknowledgedBy ?? "?"}; saved ${answer.status}` +
      `${answer.errorCode ? ` ${answer.errorCode}` : ""}, ${answer.content.length} chars, last saved ${answer.updatedAt.toISOString()}); ` +
      `provider calls: ${describeCalls(calls)}; client: ${describeClient(record)}`;
    const ids = [answer.id, answer.chatId];

    if (answer.status === "streaming") {
      notTerminal += 1;
      fail("answers terminal after the run", evidence(), ids);
      continue;
    }
    const open = calls.filter((call) => call.outcome === "streaming");
    if (open.length > 0) {
      fail("no provider call left open after its answer ended", `${evidence()}`, ids);
      continue;
    }

    if (record && record.assistantMessageId === answer.id) {
      if (record.final) {
        textsCompared += 1;
        const seen = record.finalSubscriptionText ?? "";
        if (seen !== answer.content || record.text !== answer.content) {
          textMismatches += 1;
          fail(
            "subscriber text = saved content",
            `${evidence()}; ${difference("subscriber (last subscription)", seen, "saved", answer.content)}` +
              (record.text !== seen ? `; shown text ${record.text.length} chars` : ""),
            ids,
          );
        }
        const finalStatus = record.final.type === "MessageFailed" ? "FAILED" : record.final.status;
        if (finalStatus !== answer.status.toUpperCase()) {
          fail("subscriber's final event = saved status", `${evidence()}; final event ${finalStatus}`, ids);
        }
      } else {
        fail("every subscriber sees the end", `${evidence()}`, ids);
      }
    }

    // What was saved, against what the provider sent in the answer's last call.
    const sent = last?.textSent ?? "";
    if (answer.status === "complete") {
      if (last?.outcome !== "complete" || answer.content !== sent) {
        fail(
          "completed answer = provider's text",
          `${evidence()}; ${difference("provider sent", sent, "saved", answer.content)}`,
          ids,
        );
      }
    } else if (answer.status === "failed") {
      if (!last?.fault) {
        fail("an answer fails only when the provider does", evidence(), ids);
      } else if ((last.fault === "cut" || last.fault === "stall") && !sent.startsWith(answer.content)) {
        fail(
          "failed answer keeps the partial text",
          `${evidence()}; ${difference("provider sent", sent, "saved", answer.content)}`,
          ids,
        );
      }
      const providerCut = last?.fault === "cut" || last?.fault === "stall";
      if (providerCut && sent.startsWith(answer.content) && answer.content.length < sent.length) {
        tailsLost.answers += 1;
        tailsLost.chars += sent.length - answer.content.length;
      }
    } else if (answer.status === "stopped" || answer.status === "interrupted") {
      if (!sent.startsWith(answer.content)) {
        fail(
          `${answer.status} answer keeps the partial text`,
          `${evidence()}; ${difference("provider sent", sent, "saved", answer.content)}`,
          ids,
        );
      }
    }

    // Billing: every billable call is one usage row of this answer.
    const withTokens = calls.filter(isBillable).length;
    const rows = chatUsage.get(answer.id)?.length ?? 0;
    if (rows !== withTokens) {
      billingMismatches += 1;
      fail(
        "every provider call with tokens billed once",
        `${evidence()}; ${withTokens} billable calls, ${rows} usage rows (purpose chat)`,
        ids,
      );
    }
  }

  for (const [chatId, calls] of titleCalls) {
    if (calls.some((call) => call.outcome === "streaming")) {
      fail(
        "no provider call left open after the run",
        `title of chat ${chatId}: title calls ${describeCalls(calls)}`,
        [chatId],
      );
      continue;
    }
    const withTokens = calls.filter(isBillable).length;
    const rows = titleUsage.get(chatId)?.length ?? 0;
    if (rows !== withTokens) {
      billingMismatches += 1;
      const title = stored.chats.find((chat) => chat.id === chatId)?.title;
      fail(
        "every provider call with tokens billed once",
        `title of chat ${chatId} (now "${title}"): title calls ${describeCalls(calls)}; ${withTokens} billable, ${rows} usage rows (purpose title)`,
        [chatId],
      );
    }
  }
  for (const [chatId, rows] of titleUsage) {
    if (!titleCalls.has(chatId))
      fail("every usage row is a provider call", `chat ${chatId}: ${rows.length} title rows, no title call`, [
        chatId,
      ]);
  }

  const allCalls = [...chatCalls.values(), ...titleCalls.values()].flat();
  return {
    violations,
    figures: {
      messagesPlanned: input.messagesPlanned,
      messagesAcknowledged: answers.filter((record) => record.acknowledgedAt !== null).length,
      userMessagesStored: storedUserMessages.length,
      answersByStatus,
      notTerminal,
      textsCompared,
      textMismatches,
      chatCalls: [...chatCalls.values()].flat().length,
      titleCalls: [...titleCalls.values()].flat().length,
      billableCalls: allCalls.filter(isBillable).length,
      callsStillOpen: allCalls.filter((call) => call.outcome === "streaming").length,
      usageRows: {
        chat: stored.usage.filter((row) => row.purpose === "chat").length,
        title: stored.usage.filter((row) => row.purpose !== "chat").length,
      },
      billingMismatches,
      failedTailsLost: tailsLost,
    },
  };
}

function push<Key, Value>(map: Map<Key, Value[]>, key: Key, value: Value) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function describeCalls(calls: FakeCall[]): string {
  if (calls.length === 0) return "none";
  return calls
    .map((call) => `#${call.number} ${call.fault ?? "no fault"}→${call.outcome}, ${call.piecesSent} tokens`)
    .join(" | ");
}

function describeClient(record: AnswerRecord | undefined): string {
  if (!record) return "no record";
  const subscriptions = record.subscriptions
    .map(
      (subscription) =>
        `${subscription.label}:${subscription.ended}(${subscription.deltas} deltas, ${subscription.receivedChars} chars${subscription.detail ? `, ${subscription.detail}` : ""})`,
    )
    .join(" → ");
  const final = record.final
    ? record.final.type === "MessageFailed"
      ? `MessageFailed ${record.final.code}`
      : `MessageCompleted ${record.final.status}`
    : record.gaveUp
      ? "gave up waiting"
      : "no end seen";
  return (
    `sends [${record.sendAttempts.join(", ")}], subscriptions ${subscriptions || "none"}, ${final}` +
    `${record.stopRequested ? `, stop requested (${record.stopOutcome ?? "no answer"})` : ""}` +
    `${record.divergences.length ? `, DIVERGED: ${record.divergences.join(" / ")}` : ""}`
  );
}

/** Where two texts part, with a little context. */
export function difference(leftName: string, left: string, rightName: string, right: string): string {
  if (left === right) return `${leftName} = ${rightName}`;
  let at = 0;
  while (at < left.length && at < right.length && left[at] === right[at]) at++;
  const excerpt = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 25), at + 35));
  return (
    `${leftName} ${left.length} chars vs ${rightName} ${right.length} chars, first difference at char ${at}: ` +
    `${leftName} …${excerpt(left)} / ${rightName} …${excerpt(right)}`
  );
}
