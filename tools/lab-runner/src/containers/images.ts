import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { colour, repoRoot, run, say, serviceImage, tail, type Engine } from '@commlab/lab/runner';

/**
 * The CA file handed to image builds as the `extra_ca` secret, so that `npm`/`pnpm` in the
 * build trust a TLS-intercepting proxy: COMMLAB_EXTRA_CA, else NODE_EXTRA_CA_CERTS.
 */
export function extraCaFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const variable = env.COMMLAB_EXTRA_CA
    ? 'COMMLAB_EXTRA_CA'
    : env.NODE_EXTRA_CA_CERTS
      ? 'NODE_EXTRA_CA_CERTS'
      : undefined;
  if (!variable) return undefined;
  const file = env[variable]!;
  if (!existsSync(file)) throw new Error(`${variable} names ${file}, which does not exist`);
  return file;
}

export interface BuiltImage {
  service: string;
  image: string;
  ok: boolean;
  ms: number;
  /** Bytes, as `images` lists them. */
  size?: number;
}

// Build steps as each engine prints them: podman "[1/2] STEP 5/12: RUN ...", docker "#7 [build 3/8] RUN ...".
const buildStep = /STEP \d+\/\d+:|^#\d+ \[/;

/**
 * Builds one service's image from the repository's Dockerfile, showing each build step as it
 * starts; `ca` (see extraCaFile) goes in as the build secret `extra_ca`.
 */
export async function buildImage(engine: Engine, service: string, ca?: string): Promise<BuiltImage> {
  const image = serviceImage(service);
  const started = Date.now();
  const previous = await imageId(engine, image);
  const ran = await run(
    ...engine.cli([
      'build',
      ...engine.buildFlags,
      '--file',
      join(repoRoot, 'Dockerfile'),
      '--tag',
      image,
      '--build-arg',
      `SERVICE=${service}`,
      ...(ca ? ['--secret', `id=extra_ca,src=${ca}`] : []),
      repoRoot,
    ]),
    {
      onLine: (line) => {
        if (buildStep.test(line)) say.line(colour.dim(`    ${service} │ ${line.slice(0, 120)}`));
      },
    },
  );
  const ms = Date.now() - started;
  if (ran.code !== 0) {
    say.fail(`building ${image} failed (exit ${ran.code}):\n${tail(ran.output, 40)}`);
    return { service, image, ok: false, ms };
  }
  // The rebuilt tag leaves the previous image dangling; drop it (it stays if a container still uses it).
  if (previous && previous !== (await imageId(engine, image))) await run(...engine.cli(['rmi', previous]));
  const size = Number((await run(...engine.cli(['image', 'inspect', '--format', '{{.Size}}', image]))).stdout);
  return { service, image, ok: true, ms, ...(size > 0 && { size }) };
}

async function imageId(engine: Engine, image: string): Promise<string | undefined> {
  const ran = await run(...engine.cli(['image', 'inspect', '--format', '{{.Id}}', image]));
  return ran.code === 0 ? ran.stdout.trim() : undefined;
}
