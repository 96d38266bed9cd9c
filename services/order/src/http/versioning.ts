import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Versioning by URL: /v2/orders is the current version; the unversioned /orders routes are
 * version 1, still served, deprecated, and going away. Every v1 response says so in headers
 * a client (or its HTTP library, or a gateway's log) can act on, and names its successor.
 */
const v1Lifetime = {
  /** RFC 9745 `Deprecation`: since when (a structured-field date, Unix seconds). */
  deprecatedSince: new Date('2026-11-01T00:00:00Z'),
  /** RFC 8594 `Sunset`: after this, v1 may stop answering. */
  sunset: new Date('2027-06-30T00:00:00Z'),
};

/** The v2 address of what a v1 request asked for. */
function successorOf(request: FastifyRequest): string {
  const id = (request.params as { id?: string } | undefined)?.id;
  return id === undefined ? '/v2/orders' : `/v2/orders/${encodeURIComponent(id)}`;
}

/** Adds Deprecation, Sunset and a successor-version link to every response of the routes in `scope`. */
export function markDeprecated(scope: FastifyInstance): void {
  const deprecation = `@${v1Lifetime.deprecatedSince.getTime() / 1000}`;
  const sunset = v1Lifetime.sunset.toUTCString();
  scope.addHook('onSend', async (request, reply) => {
    const successor = `<${successorOf(request)}>; rel="successor-version"`;
    const link = reply.getHeader('link');
    reply
      .header('deprecation', deprecation)
      .header('sunset', sunset)
      .header('link', link ? `${String(link)}, ${successor}` : successor);
  });
}
