import { defineConfig } from "prisma/config";

// Only `prisma generate` is used: migrations are plain SQL in supabase/migrations, applied by our runner.
export default defineConfig({
  schema: "../prisma/schema.prisma",
});
