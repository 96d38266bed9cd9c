import Type from 'typebox';
import { CommonConfig } from '@commlab/kit';

export const SidecarConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({
    default: 15021,
    minimum: 0,
    maximum: 65535,
    description: 'readiness (/readyz) and metrics port',
  }),
  MESH_SIDECAR: Type.String({
    minLength: 2,
    description: "the sidecar's spec from the mesh control plane (JSON, @commlab/mesh SidecarSpec)",
  }),
  MESH_CERTS: Type.String({
    default: '.run/certs',
    description: 'folder with ca.crt and <identity>.pem from infra/certs/certs.sh (issued there natively when missing)',
  }),
  HAPROXY_BIN: Type.String({ default: 'haproxy', description: 'the HAProxy binary (Debian haproxy 2.6)' }),
});
