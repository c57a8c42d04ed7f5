import { describe, expect, it } from "vitest";
import { splitSqlStatements } from "./split-sql.js";

describe("splitSqlStatements", () => {
  it("splits on semicolons outside quotes, dollar quotes and comments", () => {
    const sql = `
      -- a comment; with a semicolon
      create table a (x text default 'semi;colon');
      /* block; comment */ create function f() returns int as $body$ select 1; $body$ language sql;
      insert into "odd;name" values (1);
      select $$;$$;
    `;
    expect(splitSqlStatements(sql)).toEqual([
      "-- a comment; with a semicolon\n      create table a (x text default 'semi;colon')",
      "/* block; comment */ create function f() returns int as $body$ select 1; $body$ language sql",
      'insert into "odd;name" values (1)',
      "select $$;$$",
    ]);
  });

  it("drops empty and comment-only statements", () => {
    expect(splitSqlStatements(";;\n-- only a comment\n")).toEqual([]);
  });
});
