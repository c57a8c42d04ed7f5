// The e2e server's first account, registered before any test runs, so it is the admin (the first account
// of a new server becomes admin). Tests that need one sign in with it; every other account is a user.
export const ADMIN = {
  username: "e2e-admin",
  email: "e2e-admin@example.com",
  password: "admin password of the e2e server",
} as const;
