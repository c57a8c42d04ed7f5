import { z } from "zod";
import { UnauthenticatedError } from "../errors/app-errors.js";
import { builder } from "../graphql/builder.js";
import type { Context } from "../graphql/context.js";
import { UserRef } from "../users/schema.js";
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from "./passwords.js";
import { clearedRefreshCookie, readRefreshCookie, refreshCookie } from "./refresh-cookie.js";
import type { AuthResult } from "./service.js";
import { isAllowedUsername, normalizeEmail, normalizeUsername, USERNAME_RULE } from "./usernames.js";

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `The password must have at least ${PASSWORD_MIN_LENGTH} characters`)
  .refine((value) => Buffer.byteLength(value, "utf8") <= PASSWORD_MAX_BYTES, {
    message: `The password must be at most ${PASSWORD_MAX_BYTES} bytes long`,
  });

const AuthPayload = builder.objectRef<AuthResult>("AuthPayload").implement({
  description: "A new session. Browsers also receive the refresh token as an httpOnly cookie.",
  fields: (t) => ({
    accessToken: t.exposeString("accessToken", {
      description: "Send as `Authorization: Bearer …`; valid 30 minutes",
    }),
    accessTokenExpiresAt: t.expose("accessTokenExpiresAt", { type: "DateTime" }),
    refreshToken: t.string({
      nullable: true,
      description:
        "Exchange with refreshToken; valid 7 days, once. Null for browsers (requests with an Origin), which " +
        "get it only as an httpOnly cookie, out of reach of scripts",
      resolve: (result, _args, context) =>
        context.request.headers.has("origin") ? null : result.refreshToken,
    }),
    user: t.field({ type: UserRef, resolve: (result) => result.user }),
  }),
});

const RegisterInput = builder.inputType("RegisterInput", {
  fields: (t) => ({
    username: t.string({
      required: true,
      description: USERNAME_RULE,
      validate: z
        .string()
        .transform(normalizeUsername)
        .pipe(
          z
            .string()
            .min(3, "The username must have 3 to 32 characters")
            .max(32, "The username must have 3 to 32 characters")
            .refine(isAllowedUsername, USERNAME_RULE),
        ),
    }),
    email: t.string({
      required: true,
      validate: z
        .string()
        .transform(normalizeEmail)
        .pipe(z.email("Please enter a valid e-mail address").max(255)),
    }),
    password: t.string({ required: true, validate: passwordSchema }),
    invitationToken: t.string({
      description:
        "The token of an invitation link: joins its organisation with its role (also when open registration is off)",
      validate: z.string().max(200),
    }),
  }),
});

const LoginInput = builder.inputType("LoginInput", {
  fields: (t) => ({
    login: t.string({
      required: true,
      description: "Username or e-mail address",
      validate: z.string().min(1).max(255),
    }),
    password: t.string({ required: true, validate: z.string().min(1).max(1024) }),
  }),
});

const ChangePasswordInput = builder.inputType("ChangePasswordInput", {
  fields: (t) => ({
    currentPassword: t.string({ required: true }),
    newPassword: t.string({ required: true, validate: passwordSchema }),
    revokeApiKeys: t.boolean({ defaultValue: true, description: "Also revoke every API key (default true)" }),
  }),
});

function clientOf(context: Context) {
  return { ip: context.clientIp, userAgent: context.userAgent };
}

/** Hands the refresh token to browsers as a cookie, then returns the payload. */
function issued(context: Context, result: AuthResult): AuthResult {
  context.responseCookies.push(
    refreshCookie(result.refreshToken, result.refreshTokenExpiresAt, context.secure),
  );
  return result;
}

builder.mutationFields((t) => ({
  register: t.field({
    type: AuthPayload,
    description:
      "Creates an account and signs it in: into the invitation's organisation, or (open registration) the default one. The first account on a new server operates the platform and is admin of the default organisation.",
    args: { input: t.arg({ type: RegisterInput, required: true }) },
    resolve: async (_root, { input }, context) =>
      issued(context, await context.services.auth.register(input, clientOf(context))),
  }),
  login: t.field({
    type: AuthPayload,
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: async (_root, { input }, context) =>
      issued(context, await context.services.auth.login(input.login, input.password, clientOf(context))),
  }),
  refreshToken: t.field({
    type: AuthPayload,
    description: "Exchanges a refresh token (argument, or the browser's cookie) for a new pair.",
    args: { refreshToken: t.arg.string({ required: false }) },
    resolve: async (_root, args, context) => {
      const token = args.refreshToken ?? readRefreshCookie(context.request);
      if (!token) throw new UnauthenticatedError("No refresh token given");
      return issued(context, await context.services.auth.refresh(token, clientOf(context)));
    },
  }),
  logout: t.boolean({
    description: "Ends the current session (named by the access token or the refresh cookie).",
    resolve: async (_root, _args, context) => {
      context.responseCookies.push(clearedRefreshCookie(context.secure));
      return context.services.auth.logout(context.viewer, readRefreshCookie(context.request));
    },
  }),
  // Account security needs a signed-in session: a leaked API key must not lock its owner out.
  logoutEverywhere: t.withAuth({ session: true }).boolean({
    description:
      "Ends every session of the signed-in user on every device (open answer streams too), and by " +
      "default the user's API keys. Needs a signed-in session, not an API key.",
    args: {
      revokeApiKeys: t.arg.boolean({
        defaultValue: true,
        description: "Also revoke every API key (default true)",
      }),
    },
    resolve: async (_root, args, context) => {
      await context.services.auth.logoutEverywhere(context.viewer.userId, {
        revokeApiKeys: args.revokeApiKeys ?? true,
      });
      context.responseCookies.push(clearedRefreshCookie(context.secure));
      return true;
    },
  }),
  changePassword: t.withAuth({ session: true }).boolean({
    description:
      "Changes the password and ends every other session of the user, and by default the user's API " +
      "keys. Needs a signed-in session, not an API key.",
    args: { input: t.arg({ type: ChangePasswordInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      await context.services.auth.changePassword(context.viewer, input.currentPassword, input.newPassword, {
        revokeApiKeys: input.revokeApiKeys ?? true,
      });
      return true;
    },
  }),
}));
