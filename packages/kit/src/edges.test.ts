import { createServer, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { edgeReporter } from './edges.ts';

const body = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk));
    request.on('end', () => resolve(text));
  });

describe('edge reporter', () => {
  it('posts crossings in batches, named by the reporting service', async () => {
    const received: { service: string; crossings: { label: string }[] }[] = [];
    const server = createServer(async (request, response) => {
      received.push(JSON.parse(await body(request)));
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const edges = edgeReporter({ url: `http://127.0.0.1:${port}`, service: 'order', flushMs: 10 });
    edges.report({ from: 'client', to: 'order', protocol: 'REST', label: 'POST /orders 201' });
    edges.report({ from: 'order', to: 'inventory', protocol: 'gRPC', label: 'Reserve OK' });
    await edges.close();
    server.close();
    const crossings = received.flatMap((r) => r.crossings.map((c) => c.label));
    expect(crossings).toEqual(['POST /orders 201', 'Reserve OK']);
    expect(received.every((r) => r.service === 'order')).toBe(true);
  });

  it('returns at once and never throws when the console is not there', async () => {
    const edges = edgeReporter({ url: 'http://127.0.0.1:9', service: 'order', flushMs: 5 });
    for (let i = 0; i < 5000; i++) edges.report({ from: 'a', to: 'b', protocol: 'REST', label: `call ${i}` });
    await expect(edges.close()).resolves.toBeUndefined();
  });

  it('does nothing at all without a console URL', async () => {
    const edges = edgeReporter({ url: undefined, service: 'order' });
    edges.report({ from: 'a', to: 'b', protocol: 'REST', label: 'x' });
    await expect(edges.close()).resolves.toBeUndefined();
  });
});
