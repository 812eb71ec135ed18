export { openDatabase, closeDatabase, defaultDatabasePath, type Db } from './connection.ts';
export * as schema from './schema.ts';
