// Regenerates TypeScript types for every .proto under protos/ into src/generated.
// Usage: pnpm gen:proto            (writes)
//        node scripts/generate.ts <dir>  (writes into <dir>; the freshness test uses this)
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatorFlags } from '../src/loader-options.ts';

const contractsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const protoRoot = resolve(contractsDir, '../../protos');

export function protoFiles(): string[] {
  return readdirSync(protoRoot, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.proto'))
    .sort();
}

export function generate(outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
  const bin = join(contractsDir, 'node_modules/.bin/proto-loader-gen-types');
  execFileSync(
    bin,
    ['--grpcLib=@grpc/grpc-js', `--outDir=${outDir}`, `--includeDirs=${protoRoot}`, ...generatorFlags, ...protoFiles()],
    { cwd: protoRoot, stdio: 'inherit' },
  );
  for (const file of readdirSync(outDir, { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('.ts')) normalize(join(outDir, file));
  }
}

// Make the output the same on every machine and loadable by Node's type stripping:
// no absolute paths in comments, explicit .ts extensions on relative imports.
function normalize(file: string): void {
  const text = readFileSync(file, 'utf8')
    .replaceAll(`${protoRoot}/`, 'protos/')
    .replace(/from '(\.{1,2}\/[^']+)'/g, "from '$1.ts'");
  writeFileSync(file, text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? join(contractsDir, 'src/generated'));
  generate(outDir);
  console.log(`generated types for ${protoFiles().length} proto file(s) into ${relative(process.cwd(), outDir)}`);
}
