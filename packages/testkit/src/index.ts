export { freshPostgresDatabase, type TestDatabase } from './postgres.ts';
export { dockerFallback } from './docker.ts';
