// `npm run db:copy -- --to postgres://user:pass@host:5432/db [--from data/app.db]`: copies the
// SQLite database (DATABASE_PATH by default) into an empty PostgreSQL database, then checks the
// row counts and one report per started experiment on both, and says what it did (db/copy.ts).
// Stop the server first: rows written during the copy would not be in it. Exit code 0 when
// everything matched, 1 when something differs or the copy failed, 2 for bad arguments.
import { parseArgs } from 'node:util';
import { config } from '../db/config.ts';
import { copySqliteToPostgres } from '../db/copy.ts';

let args: { to?: string; from?: string };
try {
  args = parseArgs({ options: { to: { type: 'string' }, from: { type: 'string' } } }).values;
} catch (err) {
  console.error(`${(err as Error).message}\nusage: npm run db:copy -- --to postgres://… [--from path/to/app.db]`);
  process.exit(2);
}
if (!args.to || !/^postgres(ql)?:\/\//.test(args.to)) {
  console.error('usage: npm run db:copy -- --to postgres://user:password@host:5432/database [--from path/to/app.db]');
  process.exit(2);
}
const from = args.from ?? config().databasePath;
const shown = args.to.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
console.log(`copying ${from} into ${shown}`);
try {
  const result = await copySqliteToPostgres({ from, to: args.to });
  const wrong = result.tables.filter((t) => t.sqlite !== t.postgres);
  const rows = result.tables.reduce((n, t) => n + t.postgres, 0);
  const sameReports = result.reports.filter((r) => r.same).length;
  console.log(`checked: ${result.tables.length} tables, ${rows} rows, ${wrong.length === 0 ? 'every count equal' : `counts differ in ${wrong.map((t) => `${t.table} (${t.sqlite} → ${t.postgres})`).join(', ')}`}; ` +
    `${sameReports} of ${result.reports.length} reports the same on both engines`);
  console.log(result.ok ? `done: start the servers with DATABASE_URL=${shown}` : 'the copy does not match the source: do not switch to it');
  process.exit(result.ok ? 0 : 1);
} catch (err) {
  console.error(`db:copy failed: ${(err as Error).message}`);
  process.exit(1);
}
