import type { LabSpec } from '../define.ts';
import type { Outcome } from '../outcome.ts';
import { startOrder, type InfraEndpoints, type LabAt } from '../topology.ts';
import { infraReady, serviceReady } from './health.ts';
import { orderFlow } from './order-flow.ts';

/**
 * Checks a running lab, wherever it runs (native on its own ports, Compose, or a test's free
 * ports): its brokers, every service's readiness, then its main flow through each order
 * service. Each outcome goes to `report` as soon as it is known, so a room sees progress.
 */
export async function verifyLab(
  lab: LabSpec,
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
  for (const name of startOrder(lab)) add(await serviceReady(lab, at, name));

  const orders = Object.keys(lab.services).filter((name) => lab.services[name]!.service === 'order');
  // A flow through a service that is down only repeats what the lines above said.
  if (orders.length > 0 && outcomes.some((o) => !o.ok)) {
    add({ ok: false, skipped: true, text: 'the order flow is not tried until everything above is ready' });
    return outcomes;
  }
  for (const name of orders) add(await orderFlow(lab, at, name));
  return outcomes;
}
