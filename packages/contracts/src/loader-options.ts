import type { Options } from '@grpc/proto-loader';

/**
 * How protos are turned into JavaScript objects at run time. The generated types in
 * ./generated describe exactly this shape, so the code generator reads the same options.
 */
export const loaderOptions = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} satisfies Options;

/** The same options as proto-loader-gen-types flags. */
export const generatorFlags = ['--longs=String', '--enums=String', '--defaults', '--oneofs'];
