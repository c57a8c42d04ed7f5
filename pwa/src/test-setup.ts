import "@testing-library/jest-dom/vitest";
import { cleanup } from "@solidjs/testing-library";
import { afterEach } from "vitest";
// The administration's strings, which the app loads with its lazy code.
import "./admin/i18n/admin-strings";

// Vitest runs without globals, so the testing library cannot register its own cleanup.
afterEach(cleanup);
