import { relative } from 'node:path';
import { DialError, describeDial, dialEdge, parseDial, readDials, writeDials } from '@commlab/faults/file';
import { consoleName, faultsFileOf, loadLab, repoRoot, say, type Lab } from '@commlab/lab/runner';

const usage =
  'pnpm lab fault <lab> [<edge> latency=800ms jitter=200ms errors=30% status=UNAVAILABLE abort blackhole | <edge> clear | clear]';

/**
 * pnpm lab fault <lab> <edge> <dials…>: turns a fault dial on one edge of a running lab, natively
 * or in Compose (the flag file its services read, packages/faults); `clear` turns them off; no
 * edge lists what is dialled. A bad edge or dial is refused, naming it, and changes nothing.
 */
export async function fault(args: string[]): Promise<number> {
  const [id, edge, ...words] = args;
  if (!id) {
    say.fail(`which lab? ${usage}`);
    return 2;
  }
  const lab = await loadLab(id);
  if (!lab.faults) {
    say.fail(`lab ${lab.id} has no fault dials (its lab.ts does not set faults: true)`);
    return 2;
  }
  const file = faultsFileOf(lab.id);
  const shown = relative(repoRoot, file).startsWith('..') ? file : relative(repoRoot, file);
  if (edge === 'clear' && words.length === 0) {
    writeDials(file, {});
    say.ok(`every fault dial of ${lab.id} is clear (${shown})`);
    return 0;
  }
  if (edge !== undefined) {
    const edges = edgesOf(lab);
    if (!edges.includes(edge)) {
      say.fail(`unknown edge "${edge}" in lab ${lab.id}; its edges: ${edges.join(', ')}`);
      return 2;
    }
    if (words.length === 0) {
      say.fail(`what to dial on ${edge}? ${usage}`);
      return 2;
    }
    if (words.length === 1 && words[0] === 'clear') {
      dialEdge(file, edge, undefined);
      say.ok(`${edge}: clear`);
    } else {
      try {
        const dial = parseDial(words);
        dialEdge(file, edge, dial);
        say.ok(`${edge}: ${describeDial(dial)}`);
      } catch (err) {
        if (!(err instanceof DialError)) throw err;
        say.fail(`${edge}: ${err.message}; nothing changed`);
        return 2;
      }
    }
  }
  const dials = Object.entries(readDials(file));
  if (dials.length === 0) say.line(`no fault dialled in ${lab.id}`);
  for (const [dialled, dial] of dials) say.line(`  ${dialled}  ${describeDial(dial)}`);
  return 0;
}

/**
 * An edge is a call one service makes to another: `order-inventory` when order's settings name
 * inventory's address. The console only listens, so it has none.
 */
export function edgesOf(lab: Lab): string[] {
  const placeholder = /\$\{([a-z0-9-]+)(?:\.[a-z0-9-]+)?\.(addr|url)\}/g;
  return Object.entries(lab.services)
    .filter(([name]) => name !== consoleName)
    .flatMap(([name, spec]) =>
      [...new Set(Object.values(spec.env).flatMap((value) => [...value.matchAll(placeholder)].map((m) => m[1]!)))]
        .filter((callee) => callee in lab.services && callee !== consoleName)
        .map((callee) => `${name}-${callee}`),
    );
}
