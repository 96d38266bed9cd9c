import { describeDial, readDials } from '@commlab/faults/file';
import { faultsFileOf, type Lab, type LabAt, type Outcome } from '@commlab/lab/runner';

/**
 * A lab with fault dials (lab 11) claims three more things: no dial is left on (a reader who
 * forgot one would see the order flow fail for a reason that is not a bug), every order
 * service with a circuit breaker reports it, closed, and every order service with the pending
 * fallback has completed what it accepted while inventory was away.
 */
export async function faultToleranceChecks(lab: Lab, at: LabAt): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  if (lab.faults) {
    const dials = Object.entries(readDials(faultsFileOf(lab.id)));
    outcomes.push(
      dials.length === 0
        ? { ok: true, text: 'no fault is dialled' }
        : {
            ok: false,
            text: `faults are dialled: ${dials.map(([edge, dial]) => `${edge} ${describeDial(dial)}`).join('; ')}`,
            hint: `clear them: pnpm lab fault ${lab.id} clear`,
          },
    );
  }
  for (const [name, spec] of Object.entries(lab.services)) {
    const breaker = spec.env.BREAKER;
    if (spec.service !== 'order' || !breaker || breaker === 'none') continue;
    outcomes.push(await breakerClosed(name, at.url(name)));
  }
  for (const [name, spec] of Object.entries(lab.services)) {
    if (spec.service !== 'order' || spec.env.INVENTORY_FALLBACK !== 'pending') continue;
    outcomes.push(await nonePending(name, at.url(name)));
  }
  return outcomes;
}

async function nonePending(name: string, base: string): Promise<Outcome> {
  const url = `${base}/orders?status=pending&limit=100`;
  try {
    const page = (await (await fetch(url, { signal: AbortSignal.timeout(5000) })).json()) as { items?: unknown[] };
    const waiting = page.items?.length ?? 0;
    if (waiting === 0) return { ok: true, text: `${name} has no order waiting for its stock` };
    return {
      ok: false,
      text: `${name} has ${waiting} order(s) still pending, accepted while inventory was away (${url})`,
      hint: 'they are confirmed once inventory answers again: is it up, and are the dials clear?',
    };
  } catch (err) {
    return { ok: false, text: `${name}'s ${url} did not answer: ${(err as Error).message}` };
  }
}

async function breakerClosed(name: string, base: string): Promise<Outcome> {
  try {
    const response = await fetch(`${base}/resilience`, { signal: AbortSignal.timeout(5000) });
    const report = (await response.json()) as { breaker?: { state: string; counts: { rejects: number } } };
    if (report.breaker?.state === 'closed') return { ok: true, text: `${name}'s circuit breaker is closed` };
    return {
      ok: false,
      text: `${name}'s circuit breaker is ${report.breaker?.state ?? 'missing'} (${base}/resilience)`,
      hint: 'clear the dials; the breaker lets a trial call through after BREAKER_RESET_MS, and a success closes it',
    };
  } catch (err) {
    return { ok: false, text: `${name}'s ${base}/resilience did not answer: ${(err as Error).message}` };
  }
}
