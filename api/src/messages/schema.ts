import { z } from "zod";
import { builder } from "../graphql/builder.js";
import type { MessagePair, StreamEvent } from "./message-service.js";

// Long enough for pasted documents, short enough that one request cannot exhaust memory.
const MAX_MESSAGE_CHARS = 200_000;
const contentSchema = z
  .string()
  .refine((value) => value.trim().length > 0, "The message is empty")
  .refine(
    (value) => value.length <= MAX_MESSAGE_CHARS,
    `A message may have at most ${MAX_MESSAGE_CHARS} characters`,
  );

export const MessageRole = builder.enumType("MessageRole", { values: ["USER", "ASSISTANT"] as const });
export const MessageStatus = builder.enumType("MessageStatus", {
  values: {
    STREAMING: { description: "being generated" },
    COMPLETE: { description: "finished normally" },
    STOPPED: { description: "stopped by the user; the partial text is kept" },
    FAILED: { description: "the provider failed; see error, the partial text is kept" },
    INTERRUPTED: { description: "the server stopped while generating; the saved text is kept" },
  } as const,
});

const MessageError = builder.objectRef<{ code: string; message: string }>("MessageError").implement({
  fields: (t) => ({ code: t.exposeString("code"), message: t.exposeString("message") }),
});

interface UsageRow {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  estimatedCost: { toNumber(): number };
}

const MessageUsage = builder.objectRef<UsageRow>("MessageUsage").implement({
  description: "Tokens and estimated cost of the provider call that produced this answer",
  fields: (t) => ({
    promptTokens: t.exposeInt("promptTokens"),
    completionTokens: t.exposeInt("completionTokens"),
    cachedTokens: t.exposeInt("cachedTokens"),
    reasoningTokens: t.exposeInt("reasoningTokens"),
    costUsd: t.float({ resolve: (usage) => usage.estimatedCost.toNumber() }),
  }),
});

export const MessageRef = builder.prismaObject("Message", {
  fields: (t) => ({
    id: t.exposeID("id"),
    chatId: t.exposeID("chatId"),
    role: t.field({
      type: MessageRole,
      resolve: (message) => (message.role === "user" ? "USER" : "ASSISTANT"),
    }),
    content: t.exposeString("content"),
    status: t.field({
      type: MessageStatus,
      resolve: (message) => message.status.toUpperCase() as typeof MessageStatus.$inferType,
    }),
    model: t.exposeString("model", { nullable: true }),
    budgetFallbackFrom: t.exposeString("budgetFallbackFrom", {
      nullable: true,
      description:
        "The model a budget did not allow; the answer came from `model` instead (its fallbackModel)",
    }),
    imagesAsText: t.exposeBoolean("imagesAsText", {
      description:
        "The model reads no images (or one was too large for it): it was given the text recognised in " +
        "the question's images instead",
    }),
    error: t.field({
      type: MessageError,
      nullable: true,
      resolve: (message) =>
        message.errorCode
          ? { code: message.errorCode, message: message.errorMessage ?? message.errorCode }
          : null,
    }),
    clientMessageId: t.exposeString("clientMessageId", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    usage: t.field({
      type: MessageUsage,
      nullable: true,
      select: { usage: { where: { purpose: "chat" }, orderBy: { createdAt: "desc" }, take: 1 } },
      resolve: (message) => message.usage[0] ?? null,
    }),
  }),
});

const SendMessagePayload = builder.objectRef<MessagePair>("SendMessagePayload").implement({
  fields: (t) => ({
    userMessage: t.field({ type: MessageRef, resolve: (pair) => pair.userMessage }),
    assistantMessage: t.field({ type: MessageRef, resolve: (pair) => pair.assistantMessage }),
  }),
});

const SendMessageInput = builder.inputType("SendMessageInput", {
  fields: (t) => ({
    chatId: t.id({ required: true }),
    content: t.string({ required: true, validate: contentSchema }),
    model: t.string({ description: "Overrides the chat's model for this answer" }),
    temperature: t.float({ validate: z.number().min(0).max(2) }),
    clientMessageId: t.string({
      description: "The client's id for this message: sending it again returns the first result (idempotent)",
      validate: z.string().min(1).max(64),
    }),
    stream: t.boolean({
      defaultValue: true,
      description: "false: wait for the finished answer instead of following messageStream",
    }),
    useLibrary: t.boolean({
      description:
        "Also search your document library for this question (the chat's own documents always are); " +
        "its answer (and a regenerated one) cites what it used in `sources`",
    }),
    attachmentIds: t.idList({
      description:
        "Images to send with the message (at most 10; your documents of this chat or your library, uploaded " +
        "with uploadDocument). A model that reads images gets them; one that does not gets the text " +
        "recognised in them, and its answer says so (imagesAsText)",
    }),
  }),
});

builder.mutationFields((t) => ({
  sendMessage: t.withAuth({ loggedIn: true }).field({
    type: SendMessagePayload,
    description: "Saves the message and starts the answer (follow it with messageStream).",
    args: { input: t.arg({ type: SendMessageInput, required: true }) },
    resolve: (_root, { input }, context) =>
      context.services.messages.send(context.viewer.userId, {
        ...input,
        chatId: String(input.chatId),
        attachmentIds: input.attachmentIds?.map(String),
      }),
  }),
  stopGeneration: t.withAuth({ loggedIn: true }).field({
    type: MessageRef,
    description: "Stops an answer; its partial text is kept with status STOPPED.",
    args: { messageId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.messages.stop(context.viewer.userId, String(args.messageId)),
  }),
  regenerateMessage: t.withAuth({ loggedIn: true }).field({
    type: MessageRef,
    description: "Replaces the chat's last answer with a new one; returns the new answer.",
    args: { messageId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.messages.regenerate(context.viewer.userId, String(args.messageId)),
  }),
  editMessage: t.withAuth({ loggedIn: true }).field({
    type: SendMessagePayload,
    description: "Changes the chat's last user message; later messages are replaced by a new answer.",
    args: {
      messageId: t.arg.id({ required: true }),
      content: t.arg.string({ required: true, validate: contentSchema }),
    },
    resolve: (_root, args, context) =>
      context.services.messages.edit(context.viewer.userId, String(args.messageId), args.content),
  }),
}));

const MessageDelta = builder
  .objectRef<Extract<StreamEvent, { __typename: "MessageDelta" }>>("MessageDelta")
  .implement({
    description:
      "Text generated since the previous event (the first one carries everything generated so far)",
    fields: (t) => ({ messageId: t.exposeID("messageId"), text: t.exposeString("text") }),
  });

const MessageCompleted = builder
  .objectRef<Extract<StreamEvent, { __typename: "MessageCompleted" }>>("MessageCompleted")
  .implement({
    description: "The answer ended (COMPLETE, STOPPED or INTERRUPTED); the last event of the stream",
    fields: (t) => ({ message: t.field({ type: MessageRef, resolve: (event) => event.message }) }),
  });

const MessageFailed = builder
  .objectRef<Extract<StreamEvent, { __typename: "MessageFailed" }>>("MessageFailed")
  .implement({
    description: "The answer failed; its partial text is kept. The last event of the stream",
    fields: (t) => ({
      messageId: t.exposeID("messageId"),
      code: t.exposeString("code"),
      message: t.exposeString("message"),
    }),
  });

const MessageStreamEvent = builder.unionType("MessageStreamEvent", {
  types: [MessageDelta, MessageCompleted, MessageFailed],
  resolveType: (event) => event.__typename,
});

builder.subscriptionField("messageStream", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: MessageStreamEvent,
    description:
      "Follows an answer. The texts of the deltas add up to the final content, whenever you subscribe; " +
      "the stream ends with MessageCompleted or MessageFailed.",
    args: { messageId: t.arg.id({ required: true }) },
    subscribe: (_root, args, context) =>
      context.services.messages.follow(context.viewer.userId, String(args.messageId), context.request.signal),
    resolve: (event) => event,
  }),
);
