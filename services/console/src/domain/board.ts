/** One message that crossed a service boundary, as a service reported it. */
export interface Crossing {
  service: string;
  from: string;
  to: string;
  protocol: string;
  label: string;
  side?: 'sent' | 'received' | undefined;
  orderId?: string | undefined;
  status?: string | undefined;
  ok?: boolean | undefined;
  at: string;
}

export interface ServiceState {
  name: string;
  lastSeen: string;
  up: boolean;
}

export type BoardUpdate = { kind: 'crossing'; crossing: Crossing } | { kind: 'services'; services: ServiceState[] };

/**
 * What the console knows: which services reported lately (a service reports at least every
 * few seconds while it runs) and the most recent crossings, for pages that open later.
 */
export class Board {
  readonly #seen = new Map<string, number>();
  readonly #recent: Crossing[] = [];
  readonly #listeners = new Set<(update: BoardUpdate) => void>();
  readonly #keep: number;
  readonly #upForMs: number;
  readonly #now: () => number;

  constructor(options: { keep?: number; upForMs?: number; now?: () => number } = {}) {
    this.#keep = options.keep ?? 200;
    this.#upForMs = options.upForMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  report(service: string, crossings: Omit<Crossing, 'service'>[]): void {
    const known = this.#seen.has(service);
    this.#seen.set(service, this.#now());
    if (!known) this.#emit({ kind: 'services', services: this.services() });
    for (const item of crossings) {
      const crossing = { ...item, service };
      this.#recent.push(crossing);
      if (this.#recent.length > this.#keep) this.#recent.shift();
      this.#emit({ kind: 'crossing', crossing });
    }
  }

  services(): ServiceState[] {
    const now = this.#now();
    return [...this.#seen]
      .map(([name, seen]) => ({ name, lastSeen: new Date(seen).toISOString(), up: now - seen < this.#upForMs }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  recent(): Crossing[] {
    return [...this.#recent];
  }

  /** Re-announces the service list (a service that stopped reporting turns down). */
  tick(): void {
    this.#emit({ kind: 'services', services: this.services() });
  }

  subscribe(listener: (update: BoardUpdate) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(update: BoardUpdate) {
    for (const listener of this.#listeners) listener(update);
  }
}
