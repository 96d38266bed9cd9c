import { fileURLToPath } from 'node:url';

/** Scripts of the bare baseline servers, to start with startServerProcess (see each file for its settings). */
export const baselineScripts = {
  fastify: fileURLToPath(new URL('./fastify.ts', import.meta.url)),
  grpc: fileURLToPath(new URL('./grpc.ts', import.meta.url)),
};
