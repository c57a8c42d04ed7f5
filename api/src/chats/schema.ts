import { z } from "zod";
import { AssistantRef } from "../assistants/schema.js";
import { builder } from "../graphql/builder.js";
import { singleLine } from "../graphql/text-schemas.js";
import { MessageRef } from "../messages/schema.js";
import { isVisibleTo } from "../sharing/shared-items.js";
import { chatListWhere } from "./chat-service.js";

export const ChatRef = builder.prismaObject("Chat", {
  fields: (t) => ({
    id: t.exposeID("id"),
    title: t.exposeString("title"),
    model: t.exposeString("model", {
      nullable: true,
      description: "null: the assistant's or the server's default",
    }),
    temperature: t.float({ nullable: true, resolve: (chat) => chat.temperature?.toNumber() ?? null }),
    assistant: t.field({
      type: AssistantRef,
      nullable: true,
      description:
        "The assistant the chat was started with; null when none, when it was deleted, or when you may " +
        "no longer use it (see assistantUnavailable)",
      select: { assistant: true },
      resolve: (chat, _args, context) =>
        chat.assistant && context.viewer && isVisibleTo(context.viewer.userId, chat.assistant)
          ? chat.assistant
          : null,
    }),
    assistantUnavailable: t.boolean({
      description:
        "True when the chat was started with an assistant you may no longer use (its owner stopped sharing " +
        "it): its instructions no longer apply to this chat's answers",
      // The database shows an assistant only to those who may use it: an id without a row is one not shared.
      select: { assistantId: true, assistant: { select: { userId: true, isGlobal: true } } },
      resolve: (chat, _args, context) =>
        chat.assistantId !== null &&
        (!chat.assistant || !context.viewer || !isVisibleTo(context.viewer.userId, chat.assistant)),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "time of the last activity" }),
    messages: t.relatedConnection("messages", {
      description: "Oldest first; page from the end with last/before",
      cursor: "id",
      query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    }),
  }),
});

// Referenced so that the Message type is registered before the connection uses it.
void MessageRef;

const titleSchema = singleLine(z.string().max(255, "A title may have at most 255 characters"));
const temperatureSchema = z
  .number()
  .min(0, "Temperature is between 0 and 2")
  .max(2, "Temperature is between 0 and 2");

const CreateChatInput = builder.inputType("CreateChatInput", {
  fields: (t) => ({
    id: t.id({
      description:
        "A UUID chosen by the client (e.g. for a chat started offline). Creating a chat with the same id " +
        "again returns it unchanged; an id of another user's chat is a CONFLICT.",
    }),
    title: t.string({ validate: titleSchema }),
    model: t.string({ description: "provider/model; null uses the assistant's or the server's default" }),
    temperature: t.float({ validate: temperatureSchema }),
    assistantId: t.id(),
  }),
});

const UpdateChatInput = builder.inputType("UpdateChatInput", {
  fields: (t) => ({
    title: t.string({ validate: titleSchema }),
    model: t.string(),
    temperature: t.float({ validate: temperatureSchema }),
  }),
});

builder.queryFields((t) => ({
  chats: t.withAuth({ loggedIn: true }).prismaConnection({
    type: "Chat",
    cursor: "id",
    description:
      "The signed-in user's chats, newest activity first; `search` matches titles and message text",
    args: { search: t.arg.string({ validate: singleLine(z.string().max(200)) }) },
    resolve: (query, _root, args, context) =>
      context.prisma.chat.findMany({
        ...query,
        where: chatListWhere(context.viewer.userId, args.search),
        orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      }),
  }),
  chat: t.withAuth({ loggedIn: true }).prismaField({
    type: "Chat",
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, context) =>
      context.services.chats.findOwned(context.viewer.userId, String(args.id), query.include),
  }),
}));

builder.mutationFields((t) => ({
  createChat: t.withAuth({ loggedIn: true }).prismaField({
    type: "Chat",
    args: { input: t.arg({ type: CreateChatInput, required: false }) },
    resolve: (_query, _root, args, context) =>
      context.services.chats.create(context.viewer.userId, {
        ...args.input,
        id: args.input?.id ? String(args.input.id) : null,
        assistantId: args.input?.assistantId ? String(args.input.assistantId) : null,
      }),
  }),
  updateChat: t.withAuth({ loggedIn: true }).prismaField({
    type: "Chat",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateChatInput, required: true }) },
    resolve: (_query, _root, args, context) =>
      context.services.chats.update(context.viewer.userId, String(args.id), args.input),
  }),
  deleteChat: t.withAuth({ loggedIn: true }).boolean({
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.chats.delete(context.viewer.userId, String(args.id)),
  }),
}));
