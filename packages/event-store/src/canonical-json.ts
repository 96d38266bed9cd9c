/**
 * JSON with object keys sorted, so two values compare equal as text exactly when they hold the
 * same data. (JSONB stores keys in its own order: a snapshot read back is not key-for-key
 * the object that was written.)
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
