/**
 * What a test does to one service of a running lab to break it, the same in both run modes:
 * natively to its process, in Compose to its container (`docker`/`podman stop`, `kill`,
 * `start`, `pause`). A stopped or killed service keeps its files, so `startService` brings it
 * back with the data it had; each start resolves once the service is ready again.
 */
export interface ServiceControls {
  /** Stops one service gracefully (SIGTERM, as on Ctrl-C or a deploy); the others keep running. */
  stopService(name: string): Promise<void>;
  /** Kills one service at once (SIGKILL, as a crash or the OOM killer would): no clean-up runs. */
  killService(name: string): Promise<void>;
  /** Starts a stopped or killed service again with the same settings and data; resolves once it is ready. */
  startService(name: string): Promise<void>;
  /** Stops one service gracefully and starts it again on the same port and data. */
  restartService(name: string): Promise<void>;
  /** Freezes one service (SIGSTOP / the cgroup freezer): its port accepts connections, nothing answers. */
  pauseService(name: string): Promise<void>;
  /** Thaws a paused service; what waited for it carries on. */
  resumeService(name: string): Promise<void>;
}
