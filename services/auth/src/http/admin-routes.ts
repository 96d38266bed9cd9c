import type { FastifyPluginAsync } from 'fastify';
import type { TokenVerifier } from '@commlab/security';
import { bearerAuth } from '@commlab/security/fastify';
import { RotationPendingError } from '../keys/key-ring.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import { sendProblem } from './problems.ts';

/**
 * The operator's routes, guarded by this server's own tokens (audience urn:commlab:auth):
 * the lab-admin client gets one by client credentials, like any service would.
 */
export const adminRoutes: FastifyPluginAsync<{ keys: SigningKeys; verifier: TokenVerifier }> = async (
  app,
  { keys, verifier },
) => {
  const auth = bearerAuth(verifier, { realm: 'auth' });

  app.get('/admin/keys', { preHandler: auth.require('keys:read') }, async () => ({ keys: keys.describe() }));

  // 202: the new key is published now and signs after the lead; the answer gives the schedule.
  app.post('/admin/keys/rotate', { preHandler: auth.require('keys:rotate') }, async (request, reply) => {
    try {
      const schedule = await keys.rotate();
      request.log.info({ by: request.accessToken?.clientId }, 'key rotation requested');
      return reply.code(202).send({ keys: schedule });
    } catch (err) {
      if (err instanceof RotationPendingError) return sendProblem(reply, 'rotation-pending', err.message);
      throw err;
    }
  });
};
