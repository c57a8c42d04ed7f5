import { builder } from "../graphql/builder.js";

export const UserRef = builder.prismaObject("User", {
  description: "A person with an account on this platform",
  fields: (t) => ({
    id: t.exposeID("id"),
    username: t.exposeString("username"),
    email: t.exposeString("email"),
    isAdmin: t.exposeBoolean("isAdmin"),
    isActive: t.exposeBoolean("isActive"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.queryField("me", (t) =>
  t.withAuth({ loggedIn: true }).prismaField({
    type: "User",
    description: "The signed-in user",
    resolve: (query, _root, _args, context) =>
      context.prisma.user.findUniqueOrThrow({ ...query, where: { id: context.viewer.userId } }),
  }),
);
