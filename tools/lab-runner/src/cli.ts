import { bench } from './commands/bench.ts';
import { compose } from './commands/compose.ts';
import { composeCheck } from './commands/compose-check.ts';
import { doctor } from './commands/doctor.ts';
import { fault } from './commands/fault.ts';
import { k8s } from './commands/k8s.ts';
import { list } from './commands/list.ts';
import { node } from './commands/node.ts';
import { test } from './commands/test.ts';
import { up } from './commands/up.ts';
import { reset } from './commands/reset.ts';
import { verify } from './commands/verify.ts';
import { say } from '@commlab/lab/runner';

const usage = `usage: pnpm lab <command>

  list              every lab of the book and whether it is ready
  up <lab>          start a lab's services natively (Ctrl-C stops them)
  verify <lab>      check a running lab (native or Compose): brokers, every service, its main flow
  reset <lab>       with the lab stopped: delete its data, its queues and exchanges, its topics
                    (and the data of its broker clusters)
  fault <lab> <edge> latency=800ms jitter=200ms errors=30% status=UNAVAILABLE abort blackhole
                    turn a fault dial on an edge of a running lab; <edge> clear, or clear for all
  node <lab> <node> kill|stop|start|restart|status
                    one node of a lab's broker cluster (lab 11-high-availability: kafka-2, rabbit-1, ...)
  bench [experiment] run a benchmark (lab 10 and others), baselines in the same run; no name lists them
  test [lab]        type-check, lint and run all tests (or one lab's) against real brokers,
                    then the Compose check; --native-only leaves the Compose check out
  doctor            check this machine before a workshop: Node, ports, brokers, container engine
  compose           regenerate every lab's compose.yaml (and compose.host-brokers.yaml) from its lab.ts
  k8s [lab]         write a mesh lab's Kubernetes manifests (Istio, Linkerd) from its lab.ts
                    into labs/<lab>/kubernetes/ (lab 07; validated, never applied here)
  compose-check [lab]
                    build the images, start each lab (or one) in containers with Docker or
                    Podman, run its tests against them, report memory, tear down

A fresh machine without Node 24 or pnpm: use ./lab <command> instead.`;

const commands: Record<string, (args: string[]) => number | Promise<number>> = {
  list: () => list(),
  up: (args) => up(args[0]),
  verify: (args) => verify(args[0]),
  reset: (args) => reset(args[0]),
  node: (args) => node(args),
  test: (args) => test(args),
  doctor: () => doctor(),
  compose: () => compose(),
  'compose-check': (args) => composeCheck(args),
  k8s: (args) => k8s(args),
  bench: (args) => bench(args),
  fault: (args) => fault(args),
};

const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.log(usage);
  process.exit(name && name !== 'help' && name !== '--help' ? 2 : 0);
}
try {
  process.exitCode = await command(args);
} catch (err) {
  say.fail((err as Error).message);
  process.exitCode = 1;
}
