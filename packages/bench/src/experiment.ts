import type { Report } from './report.ts';

/** What an experiment gets from `pnpm lab bench`: where the lab is, its brokers, and the run's mode. */
export interface ExperimentContext {
  /**
   * Short mode (CI): every run lasts a fraction of a second. It proves the experiment works
   * end to end; its numbers mean little.
   */
  short: boolean;
  /** host:port of a lab service, or of one of its extra ports (`addr('inventory', 'thrift')`). */
  addr(service: string, extra?: string): string;
  /** http://host:port of a lab service or extra port. */
  url(service: string, extra?: string): string;
  /** The process id of a service the bench started itself (for CPU per request); undefined on a running lab. */
  pid(service: string): number | undefined;
  /** The data folder of a service the bench started itself (e.g. the order SQLite file). */
  dataDir(service: string): string | undefined;
  infra: { kafkaBrokers: string[]; amqpUrl: string; redisUrl: string };
  /** A progress line on stderr, so stdout keeps only the report. */
  progress(text: string): void;
  /**
   * Where a baseline's output lines go: the file the lab's services log to, written the same
   * way, so a baseline and a service pay alike for their logs.
   */
  serviceLog(source: string, line: string): void;
}

export interface Experiment {
  /** What `pnpm lab bench <name>` calls it. */
  name: string;
  title: string;
  /** The question it answers, as the guide asks it. */
  question: string;
  run(context: ExperimentContext): Promise<Report>;
}

/** An experiment as a lab lists it: with the lab services it measures (none for bare servers, brokers or encoders). */
export type LabExperiment = Experiment & {
  /** Started by `pnpm lab bench` with what they call (in containers under COMMLAB_LAB_TARGET=compose). */
  services: string[];
};

/** What a lab's `bench.ts` exports: its experiments, in the guide's order. */
export interface LabBenchmarks {
  experiments: LabExperiment[];
}
