import { BadInputError } from "../errors/app-errors.js";

export const PASSWORD_MIN_LENGTH = 8;
// bcrypt only looks at the first 72 bytes; longer passwords are refused instead of silently truncated.
export const PASSWORD_MAX_BYTES = 72;

export function assertAcceptablePassword(password: string, field = "password"): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new BadInputError(`The password must have at least ${PASSWORD_MIN_LENGTH} characters`, { field });
  }
  if (Buffer.byteLength(password, "utf8") > PASSWORD_MAX_BYTES) {
    throw new BadInputError(`The password must be at most ${PASSWORD_MAX_BYTES} bytes long`, { field });
  }
}
