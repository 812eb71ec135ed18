export { ingestRoutes } from './routes.ts';
export { recordEvents } from './events.ts';
export { recordExposures } from './exposures.ts';
export { GroupCommit, groupCommitFor } from './group-commit.ts';
export { writerFor, type Writer } from './writer.ts';
