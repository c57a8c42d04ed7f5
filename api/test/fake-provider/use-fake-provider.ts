import { afterAll, beforeAll, beforeEach } from "vitest";
import {
  type FakeProviderServer,
  type FakeProviderServerOptions,
  startFakeProviderServer,
} from "./server.js";

/**
 * Starts one fake provider server for the test file, resets it before each test and closes it at the end.
 * Read `fake.server` inside tests and hooks (it exists once beforeAll has run).
 */
export function useFakeProviderServer(options?: FakeProviderServerOptions): {
  readonly server: FakeProviderServer;
} {
  let started: FakeProviderServer | undefined;
  beforeAll(async () => {
    started = await startFakeProviderServer(options);
  });
  afterAll(() => started?.close());
  beforeEach(() => started?.reset());
  return {
    get server() {
      if (!started) throw new Error("the fake provider server is started in beforeAll");
      return started;
    },
  };
}

/** A signal for streams that are not meant to be aborted. */
export function openSignal(): AbortSignal {
  return new AbortController().signal;
}
