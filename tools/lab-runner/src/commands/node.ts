import { spawnSync } from 'node:child_process';
import {
  clusterOfNode,
  clusters,
  colour,
  containerOf,
  engineFromEnv,
  isCluster,
  loadLab,
  say,
  type ClusterName,
  type Container,
  type Lab,
} from '@commlab/lab/runner';

export const nodeActions = ['kill', 'stop', 'start', 'restart', 'status'] as const;
export type NodeAction = (typeof nodeActions)[number];

export const nodeUsage = `pnpm lab node <lab> <node> ${nodeActions.join('|')} [--project <compose project>]`;

export interface NodeRequest {
  lab: string;
  node: string;
  cluster: ClusterName;
  action: NodeAction;
  /** The Compose project whose container of the node to act on, when there is one. */
  project: string;
}

/**
 * What `pnpm lab node` was asked, or why it cannot be done: a lab that has clusters, one of
 * their nodes, one of the actions. Checked before anything is touched.
 */
export async function nodeRequest(
  args: readonly string[],
  labOf: (id: string) => Promise<Lab> = (id) => loadLab(id),
): Promise<NodeRequest | { error: string }> {
  const positional: string[] = [];
  let project: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--project') {
      project = args[++i];
      if (!project) return { error: `--project needs a Compose project name; ${nodeUsage}` };
    } else if (arg.startsWith('--')) return { error: `unknown option ${arg}; ${nodeUsage}` };
    else positional.push(arg);
  }
  const [id, node, action, ...extra] = positional;
  if (!id) return { error: `which lab? ${nodeUsage}` };
  let lab: Lab;
  try {
    lab = await labOf(id);
  } catch (err) {
    return { error: (err as Error).message };
  }
  const owned = lab.infra.filter(isCluster);
  if (owned.length === 0) {
    return {
      error: `lab ${lab.id} runs no broker cluster, so it has no nodes to act on (lab 11-high-availability has)`,
    };
  }
  const nodes = owned.flatMap((name) => clusters[name].nodes);
  if (!node) return { error: `which node? ${lab.id} has ${nodes.join(', ')}; ${nodeUsage}` };
  const cluster = clusterOfNode(node, owned);
  if (!cluster) return { error: `lab ${lab.id} has no node "${node}"; its nodes: ${nodes.join(', ')}` };
  if (!action) return { error: `what should ${node} do? one of ${nodeActions.join(', ')}` };
  if (!(nodeActions as readonly string[]).includes(action)) {
    return { error: `unknown action "${action}" for ${node}; one of ${nodeActions.join(', ')}` };
  }
  if (extra.length > 0) return { error: `unexpected ${extra.join(' ')}; ${nodeUsage}` };
  return { lab: lab.id, node, cluster, action: action as NodeAction, project: project ?? `commlab-${lab.id}` };
}

/**
 * pnpm lab node <lab> <node> kill|stop|start|restart|status: one node of a lab's broker cluster.
 * In a Compose project of the lab whose container runs that node (docker compose -f
 * labs/<lab>/compose.yaml up), through the engine; otherwise the node on this machine,
 * through its cluster.sh (which waits until a started node is ready again).
 */
export async function node(args: string[]): Promise<number> {
  const request = await nodeRequest(args);
  if ('error' in request) {
    say.fail(request.error);
    return 2;
  }
  const container = await composeContainer(request);
  if (container) {
    say.step(`${request.node} (${request.cluster}) in Compose project ${request.project}: ${request.action}`);
    if (request.action === 'status') {
      say.line(`${request.node}  ${await container.state()}`);
      return 0;
    }
    if (request.action === 'kill') await container.kill();
    if (request.action === 'stop' || request.action === 'restart') await container.stop();
    if (request.action === 'start' || request.action === 'restart') await container.start();
    say.ok(`${request.node}: ${request.action} done (${await container.state()})`);
    return 0;
  }
  const { script } = clusters[request.cluster];
  say.step(colour.dim(`${script} node ${request.node} ${request.action}`));
  const ran = spawnSync(script, ['node', request.node, request.action], { stdio: 'inherit' });
  return ran.status ?? 1;
}

/** The node's own container in the lab's Compose project, if one runs it (not a host-brokers stand-in). */
async function composeContainer(request: NodeRequest): Promise<Container | undefined> {
  const engine = (() => {
    try {
      return engineFromEnv();
    } catch {
      return undefined;
    }
  })();
  if (!engine || spawnSync(engine.name, ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const [command, cliArgs] = engine.cli([
    'ps',
    '--all',
    '--filter',
    `label=com.docker.compose.project=${request.project}`,
    '--filter',
    `label=com.docker.compose.service=${request.node}`,
    '--format',
    '{{.Image}}',
  ]);
  const images = spawnSync(command, cliArgs, { encoding: 'utf8' }).stdout?.trim() ?? '';
  // A stand-in (compose.host-brokers.yaml) runs Node, not the broker: the node is on this machine.
  if (!images || /node:/.test(images)) return undefined;
  return containerOf(engine, request.project, request.node);
}
