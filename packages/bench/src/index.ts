// @commlab/bench — the load harness every lab benchmark uses. See README.md.
export { openLoop, type BenchRequest, type OpenLoopOptions, type RunBounds, type Send } from './open-loop.ts';
export { closedLoop, type ClosedLoopOptions } from './closed-loop.ts';
export type { RunResult, LoopMode } from './result.ts';
export { Latencies, type LatencySummary, type SpectrumPoint } from './histogram.ts';
export { RequestError, errorKind } from './errors.ts';
export { alternate, sweep } from './compare.ts';
export { Report, formatMs, formatRate, type ReportData, type Ratio, type Curve, type Table } from './report.ts';
export { renderText } from './render-text.ts';
export { renderHtml } from './render-html.ts';
export { saveReport } from './save.ts';
export { machine, type Machine } from './machine.ts';
export { startServerProcess, type ServerProcess } from './process.ts';
export { endToEnd, type Stamp } from './drivers/messaging.ts';
export { cpuTimeMs, cpuDuring } from './cpu.ts';
export type { Experiment, ExperimentContext, LabBenchmarks, LabExperiment } from './experiment.ts';
