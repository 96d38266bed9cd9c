import { afterAll, beforeAll, beforeEach } from 'vitest';
import { labTarget, startLab, type LabUnderTest, type StartLabOptions } from './start-lab.ts';

/**
 * How long a start may take in containers: compose up, the services answering (90 s at most),
 * then infra/containers/wait-healthy.sh's own 120 s for every healthcheck. The start gives up by
 * itself first, with the containers' logs, and removes them; this is the backstop.
 */
const composeStartMs = 300_000;

/** A client a test file talks to its lab with; closed after the file's tests when it can be. */
type Connect<C> = (lab: LabUnderTest) => C | Promise<C>;

export interface LabForFile<C> extends LabUnderTest {
  /** What `connect` made once the lab was up (e.g. a gRPC client of its inventory). */
  readonly client: C;
}

/**
 * The lab this test file (or describe block) drives: started before its tests, with this file's
 * settings, and stopped after them — its client closed, its data, queues and topics deleted.
 * Use it inside tests: `lab.url('order')`, `lab.client.place(…)`, `lab.stopService('inventory')`.
 * When a test failed, the services' last log lines are printed, natively and in containers alike.
 */
export function labForThisFile<C = undefined>(
  id: string,
  { connect, ...options }: StartLabOptions & { connect?: Connect<C> } = {},
): LabForFile<C> {
  const inContainers = (options.target ?? labTarget()) === 'compose';
  let lab: LabUnderTest | undefined;
  let starting: Promise<LabUnderTest> | undefined;
  let client: C | undefined;
  let anyFailed = false;
  beforeAll(
    async () => {
      starting = startLab(id, options);
      lab = await starting;
      if (connect) client = await connect(lab);
    },
    inContainers ? composeStartMs : undefined,
  );
  beforeEach(({ onTestFailed }) => onTestFailed(() => void (anyFailed = true)));
  afterAll(
    async () => {
      // A start the hook's timeout gave up on still finishes, or fails and cleans up after itself:
      // wait for it, so a lab that came up late is stopped too, not left running under the next files.
      lab ??= await starting?.catch(() => undefined);
      try {
        if (lab && anyFailed) await printLogs(id, lab);
        await (client as { close?: () => unknown } | undefined)?.close?.();
      } finally {
        await lab?.stop();
      }
    },
    inContainers ? composeStartMs : undefined,
  );

  const current = () => {
    if (!lab) throw new Error(`lab ${id} is not up: use it inside tests, once beforeAll has started it`);
    return lab;
  };
  return {
    get target() {
      return current().target;
    },
    get serviceNames() {
      return current().serviceNames;
    },
    get client() {
      current();
      return client as C;
    },
    addr: (name) => current().addr(name),
    url: (name) => current().url(name),
    env: (name) => current().env(name),
    resolve: (text) => current().resolve(text),
    logs: (name) => current().logs(name),
    pid: (name) => current().pid(name),
    onItsPorts: (command) => current().onItsPorts(command),
    stopService: (name) => current().stopService(name),
    killService: (name) => current().killService(name),
    startService: (name) => current().startService(name),
    restartService: (name) => current().restartService(name),
    pauseService: (name) => current().pauseService(name),
    resumeService: (name) => current().resumeService(name),
    stop: () => current().stop(),
  };
}

async function printLogs(id: string, lab: LabUnderTest): Promise<void> {
  for (const name of lab.serviceNames) {
    const lines = await lab.logs(name).catch((err: Error) => [`(no log: ${err.message})`]);
    console.log(
      `--- ${id} · ${name} (${lab.target}), last ${Math.min(lines.length, 40)} lines\n${lines.slice(-40).join('\n')}`,
    );
  }
}
