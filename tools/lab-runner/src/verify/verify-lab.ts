import { type InfraEndpoints, type Lab, type LabAt, type Outcome, reachable, startOrder } from '@commlab/lab/runner';
import { faultToleranceChecks } from './fault-tolerance.ts';
import { infraReady, serviceReady } from './health.ts';
import { orderFlow } from './order-flow.ts';

/**
 * Checks a running lab, wherever it runs (native on its own ports, Compose, or a test's free
 * ports): its brokers, every service's readiness, then its main flow through each order
 * service. Each outcome goes to `report` as soon as it is known, so a room sees progress.
 */
export async function verifyLab(
  lab: Lab,
  at: LabAt,
  infra: InfraEndpoints,
  report: (outcome: Outcome) => void = () => {},
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const add = (more: Outcome | Outcome[]) => {
    for (const outcome of [more].flat()) {
      outcomes.push(outcome);
      report(outcome);
    }
  };

  for (const name of new Set(lab.infra)) add(await infraReady(name, infra));
  const names = startOrder(lab);
  const listening = await Promise.all(names.map((name) => reachable(at.addr(name))));
  if (names.length > 1 && !listening.some(Boolean)) {
    // One line for a lab that is not up at all, instead of the same hint once per service.
    add({
      ok: false,
      text: `${lab.id} is not running: none of its services answers (${names.map((n) => `${n} ${at.addr(n)}`).join(', ')})`,
      hint: `start it: pnpm lab up ${lab.id} (or docker compose -f labs/${lab.id}/compose.yaml up), and run verify in another terminal`,
    });
  } else {
    for (const name of names) add(await serviceReady(lab, at, name));
  }

  if (!outcomes.some((o) => !o.ok)) add(await faultToleranceChecks(lab, at));
  const orders = Object.keys(lab.services).filter((name) => lab.services[name]!.service === 'order');
  // A flow through a service that is down only repeats what the lines above said.
  if (orders.length > 0 && outcomes.some((o) => !o.ok)) {
    add({ ok: false, skipped: true, text: 'the order flow is not tried until everything above is ready' });
    return outcomes;
  }
  for (const name of orders) add(await orderFlow(lab, at, name));
  return outcomes;
}
