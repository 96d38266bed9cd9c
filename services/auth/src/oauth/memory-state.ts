import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider's short-lived state (login interactions, sessions, authorization codes,
 * grants) in this process's memory, shared by every provider instance the service builds.
 * oidc-provider's own in-memory adapter keeps one store per instance, so a login in progress
 * during a key rotation (which builds a new instance) would be lost; this one outlives them.
 * Nothing here is worth persisting for a lab: a restart only makes a reader sign in again.
 * Access tokens are JWTs and are not stored at all.
 */
export function sharedMemoryState(now: () => number = Date.now): AdapterFactory {
  const entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const sessionIds = new Map<string, string>();
  const grantMembers = new Map<string, Set<string>>();
  let sweptAt = now();

  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry?.payload;
  };
  const sweep = () => {
    if (now() - sweptAt < 60_000) return;
    sweptAt = now();
    for (const key of entries.keys()) live(key);
    for (const [uid, id] of sessionIds) if (!live(`Session:${id}`)) sessionIds.delete(uid);
    for (const [grantId, keys] of grantMembers) {
      for (const key of keys) if (!entries.has(key)) keys.delete(key);
      if (keys.size === 0) grantMembers.delete(grantId);
    }
  };

  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        sweep();
        entries.set(key(id), { payload, expiresAt: expiresIn ? now() + expiresIn * 1000 : Infinity });
        if (model === 'Session' && typeof payload.uid === 'string') sessionIds.set(payload.uid, id);
        if (typeof payload.grantId === 'string') {
          const members = grantMembers.get(payload.grantId) ?? new Set();
          grantMembers.set(payload.grantId, members.add(key(id)));
        }
      },
      async find(id) {
        return live(key(id));
      },
      async findByUid(uid) {
        const id = sessionIds.get(uid);
        return id === undefined ? undefined : live(key(id));
      },
      async findByUserCode() {
        return undefined; // no device flow
      },
      async consume(id) {
        const payload = live(key(id));
        if (payload) payload.consumed = Math.floor(now() / 1000);
      },
      async destroy(id) {
        entries.delete(key(id));
      },
      // A reused authorization code revokes everything issued under its grant.
      async revokeByGrantId(grantId) {
        for (const member of grantMembers.get(grantId) ?? []) entries.delete(member);
        grantMembers.delete(grantId);
      },
    };
  };
}
