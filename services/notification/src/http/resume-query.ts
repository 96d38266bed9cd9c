/** Query string of the SSE and long-poll routes: where to resume and which orders. */
export interface ResumeQuery {
  after?: number;
  /** Comma-separated order ids. */
  orders?: string;
  waitMs?: number;
}

export const resumeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { type: 'integer', minimum: 0 },
    orders: { type: 'string', minLength: 1, maxLength: 6600 },
    waitMs: { type: 'integer', minimum: 0, maximum: 60_000 },
  },
} as const;
