import { probe } from '@commlab/kit';
import {
  checkInfra,
  healthTarget,
  type Infra,
  type InfraEndpoints,
  type Lab,
  type LabAt,
  type Outcome,
  reachable,
  splitHostPort,
} from '@commlab/lab/runner';

/** Asks a service the same readiness question `pnpm lab up` waits on, and says why it fails. */
export async function serviceReady(lab: Lab, at: LabAt, name: string): Promise<Outcome> {
  const address = at.addr(name);
  const [host, port] = splitHostPort(address);
  const target = healthTarget(lab.services[name]!, host, port);
  try {
    await probe(target, 2_000);
    return { ok: true, text: `${name} is ready (${target})` };
  } catch (err) {
    // A closed port and a running-but-unready service need different fixes.
    if (!(await reachable(address))) {
      return {
        ok: false,
        text: `${name} is not running: nothing listens on ${address}`,
        hint: `start the lab: pnpm lab up ${lab.id} (or docker compose -f labs/${lab.id}/compose.yaml up); if it is up, ${name}'s log says why it stopped`,
      };
    }
    const message = (err as Error).message;
    if (/timeout|deadline/i.test(message)) {
      return {
        ok: false,
        text: `${name} accepts connections on port ${port} but does not answer within 2 s`,
        hint: `it is paused (a "Break it" step? kill -CONT it) or overloaded; ${name}'s log says more`,
      };
    }
    return {
      ok: false,
      text: `${name} answers on port ${port} but is not ready: ${message}`,
      hint: `${name}'s log names what it waits for (a broker, or a service it calls); or another program holds port ${port} (ss -ltnp | grep ${port})`,
    };
  }
}

export async function infraReady(name: Infra, endpoints: InfraEndpoints): Promise<Outcome> {
  const { label, address, ok, fix } = await checkInfra(name, endpoints);
  return ok
    ? { ok, text: `${label} answers on ${address}` }
    : { ok, text: `${label} is not reachable on ${address}`, hint: fix };
}
