import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { orderProblems } from './problems.ts';

export interface SheddingConfig {
  /** Shed while the event loop was busy more than this share (%) of the last sample; 0 = never. */
  SHED_EVENT_LOOP_PERCENT: number;
  /** Shed while timers ran this many ms late on average over the last sample; 0 = never. */
  SHED_EVENT_LOOP_DELAY_MS: number;
  SHED_SAMPLE_MS: number;
}

/**
 * Load shedding at the edge (lab 11): while the process is overloaded (@fastify/under-pressure
 * samples its event loop), a new order is refused at once — 503 `overloaded` with Retry-After —
 * instead of queueing behind the others until every caller times out. Reads still answer: they
 * are cheap, and what a client checks its earlier orders with. Register it in the API's scope,
 * so probes and docs are never shed.
 */
export async function shedLoad(api: FastifyInstance, config: SheddingConfig): Promise<void> {
  if (config.SHED_EVENT_LOOP_PERCENT === 0 && config.SHED_EVENT_LOOP_DELAY_MS === 0) return;
  await api.register(underPressure, {
    maxEventLoopUtilization: config.SHED_EVENT_LOOP_PERCENT / 100,
    maxEventLoopDelay: config.SHED_EVENT_LOOP_DELAY_MS,
    // Each sample on its own, not the average since start: overload now is what matters.
    eventLoopUtilizationMode: 'interval',
    sampleInterval: config.SHED_SAMPLE_MS,
    pressureHandler: (request, _reply, type, value) => {
      if (request.method === 'GET' || request.method === 'HEAD') return undefined;
      const measured =
        type === underPressure.TYPE_EVENT_LOOP_UTILIZATION
          ? `its event loop was ${Math.round((value ?? 0) * 100)} % busy (limit ${config.SHED_EVENT_LOOP_PERCENT} %)`
          : `its timers ran ${lateness(value)} late (limit ${config.SHED_EVENT_LOOP_DELAY_MS} ms)`;
      return Promise.reject(
        orderProblems.problem('overloaded', `order is overloaded: ${measured}; nothing was created, try again later`),
      );
    },
  });
}

/** under-pressure reports a sample in which no timer could run at all as Infinity. */
function lateness(ms: number | undefined): string {
  return ms !== undefined && Number.isFinite(ms) ? `${Math.round(ms)} ms` : 'a whole sample';
}
