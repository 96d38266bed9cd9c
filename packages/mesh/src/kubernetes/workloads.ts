import { Deployment } from 'kubernetes-models/apps/v1';
import { Service, ServiceAccount } from 'kubernetes-models/v1';
import type { MeshDefinition } from '../define.ts';
import { upstreamServedBy } from '../define.ts';
import {
  containerOf,
  memoryQuantity,
  podLabels,
  portNameOf,
  serviceAccountOf,
  upstreamPort,
  type KubernetesOptions,
} from './options.ts';

/**
 * What both meshes run: a service account per identity, a Deployment per workload and a
 * Service per upstream (and for a workload that serves none, such as order, its own). No
 * sidecar is listed: the mesh injects its proxy into each pod of the namespace.
 */
export function workloadObjects(
  mesh: MeshDefinition,
  options: KubernetesOptions,
  { versionServices }: { versionServices: boolean },
): (ServiceAccount | Deployment | Service)[] {
  const { namespace } = options;
  const accounts = [...new Set(Object.keys(mesh.workloads).map((name) => serviceAccountOf(mesh, name)))];
  const objects: (ServiceAccount | Deployment | Service)[] = accounts.map(
    (name) => new ServiceAccount({ metadata: { name, namespace } }),
  );
  for (const name of Object.keys(mesh.workloads)) objects.push(deployment(mesh, options, name));
  for (const [name, upstream] of Object.entries(mesh.upstreams)) {
    const port = upstreamPort(name, upstream, options);
    const service = (serviceName: string, selector: Record<string, string>) =>
      new Service({
        metadata: { name: serviceName, namespace },
        spec: { selector, ports: [{ name: upstream.protocol, port, targetPort: upstream.protocol }] },
      });
    objects.push(service(name, { app: name }));
    // Linkerd splits over Services (an HTTPRoute's backendRefs): one per version.
    if (versionServices) {
      for (const version of Object.keys(upstream.versions))
        objects.push(service(`${name}-${version}`, { app: name, version }));
    }
  }
  for (const name of Object.keys(mesh.workloads)) {
    if (upstreamServedBy(mesh, name)) continue;
    const container = containerOf(options, name);
    const portName = portNameOf(mesh, name, container);
    objects.push(
      new Service({
        metadata: { name, namespace },
        spec: {
          selector: podLabels(mesh, name),
          ports: [{ name: portName, port: container.port, targetPort: portName }],
        },
      }),
    );
  }
  return objects;
}

function deployment(mesh: MeshDefinition, options: KubernetesOptions, name: string): Deployment {
  const container = containerOf(options, name);
  const labels = podLabels(mesh, name);
  const portName = portNameOf(mesh, name, container);
  // In a pod the service calls its upstream by the upstream's Service name; the mesh's proxy
  // intercepts the connection (no address of a sidecar, unlike the lab's own runs).
  const calls = Object.entries(mesh.workloads[name]!.calls ?? {}).map(([upstream, variable]) => ({
    name: variable,
    value: `${upstream}:${upstreamPort(upstream, mesh.upstreams[upstream]!, options)}`,
  }));
  return new Deployment({
    metadata: { name, namespace: options.namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: serviceAccountOf(mesh, name),
          containers: [
            {
              name: mesh.workloads[name]!.service ?? name,
              image: container.image,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: portName, containerPort: container.port }],
              env: [...Object.entries(container.env).map(([key, value]) => ({ name: key, value })), ...calls],
              readinessProbe: readiness(container.health, container.port),
              resources: { limits: { memory: memoryQuantity(container.memory) } },
            },
          ],
        },
      },
    },
  });
}

/**
 * HTTP services by GET /readyz. A gRPC service by the image's own probe, run in the container
 * over loopback (as its Compose healthcheck does): Linkerd's policy controller admits the
 * kubelet's httpGet probes on a port a Server guards, but not a `grpc` probe, which would be
 * refused like any caller without an identity; loopback in the pod is never intercepted.
 */
function readiness(health: 'http' | 'grpc', port: number) {
  const timing = { periodSeconds: 3, timeoutSeconds: 3, failureThreshold: 3 };
  if (health === 'http') return { httpGet: { path: '/readyz', port }, ...timing };
  return { exec: { command: ['node', 'packages/kit/src/probe.ts', `grpc://127.0.0.1:${port}`] }, ...timing };
}
