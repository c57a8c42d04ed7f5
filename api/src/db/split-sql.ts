/**
 * Splits a migration file into statements, as the Supabase CLI records them in
 * `schema_migrations.statements`. Semicolons inside quotes, dollar-quoted bodies and comments
 * do not end a statement.
 */
export function splitSqlStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = "";
  let index = 0;

  const consumeUntil = (terminator: string) => {
    const end = sql.indexOf(terminator, index);
    const stop = end === -1 ? sql.length : end + terminator.length;
    current += sql.slice(index, stop);
    index = stop;
  };

  while (index < sql.length) {
    const char = sql[index];
    const rest = sql.slice(index, index + 2);
    if (rest === "--") {
      consumeUntil("\n");
    } else if (rest === "/*") {
      consumeUntil("*/");
    } else if (char === "'" || char === '"') {
      current += char;
      index += 1;
      consumeUntil(char);
    } else if (char === "$") {
      const tag = /^\$[A-Za-z_0-9]*\$/.exec(sql.slice(index))?.[0];
      if (tag) {
        current += tag;
        index += tag.length;
        consumeUntil(tag);
      } else {
        current += char;
        index += 1;
      }
    } else if (char === ";") {
      pushStatement(statements, current);
      current = "";
      index += 1;
    } else {
      current += char;
      index += 1;
    }
  }
  pushStatement(statements, current);
  return statements;
}

function pushStatement(statements: string[], text: string) {
  const withoutComments = text.replace(/--[^\n]*/g, "").trim();
  if (withoutComments) statements.push(text.trim());
}
