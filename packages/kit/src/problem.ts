/**
 * RFC 9457 problem details. `type` is a stable, relative URI: every HTTP service serves
 * a short explanation at that path, and clients switch on it (never on `title` or `detail`).
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const problemContentType = 'application/problem+json';
