import { credentials } from '@grpc/grpc-js';
import { expect } from 'vitest';
import { loadInventoryProto, stockLevelOf } from '@commlab/contracts';
import type { LabUnderTest } from '@commlab/lab/testing';
import { openApiChecker } from '@commlab/testkit';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read any field
}

/**
 * What the lab's tests do to the running lab. Every response from the order API is checked
 * against the service's own /openapi.json (status documented, body and headers matching their
 * schemas), so the published contract cannot drift from what the service answers. Stock is read
 * from inventory over gRPC.
 */
export async function labApi(lab: LabUnderTest) {
  const base = lab.url('order');
  const check = openApiChecker((await (await fetch(`${base}/openapi.json`)).json()) as object);
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  const inventory = new InventoryService(lab.addr('inventory'), credentials.createInsecure());

  const call = async (
    method: string,
    path: string,
    { headers = {}, body }: { headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<ApiResponse> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    const headerRecord = Object.fromEntries(response.headers);
    expect(check({ method, url: path, status: response.status, headers: headerRecord, body: text })).toEqual([]);
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  };

  return {
    call,
    /** Every link target of a Link header, by relation. */
    links: (response: ApiResponse) =>
      Object.fromEntries(
        [...(response.headers.get('link') ?? '').matchAll(/<([^>]+)>;\s*rel="([^"]+)"/g)].map((m) => [m[2], m[1]]),
      ),
    stockOf: (sku: string) => stockLevelOf(inventory, sku),
    close: () => inventory.close(),
  };
}
