import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { labClient, stockOf } from './lab-client.ts';

describe('lab 09-security: the orders API with access tokens', () => {
  const lab = labForThisFile('09-security', { connect: labClient });

  it('issues a real RFC 9068 access token to a lab customer, for the order API only', async () => {
    const token = lab.client.userToken('reader-1');
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    expect(decodeJwt(token)).toMatchObject({
      iss: lab.client.issuer,
      sub: 'reader-1',
      aud: 'urn:commlab:order',
      client_id: 'lab-cli',
      scope: 'orders:read orders:write',
    });
  });

  it('answers 401 without a token and 403 insufficient_scope with the wrong scope; nothing is placed', async () => {
    const before = await stockOf(lab.client, 'KB-001');
    const none = await lab.client.place(undefined, 'reader-1', [{ sku: 'KB-001', quantity: 1 }]);
    expect(none).toMatchObject({
      status: 401,
      challenge: 'Bearer realm="order"',
      body: { type: '/problems/unauthenticated' },
    });

    const readOnly = lab.client.userToken('reader-1', 'orders:read');
    const wrong = await lab.client.place(readOnly, 'reader-1', [{ sku: 'KB-001', quantity: 1 }]);
    expect(wrong.status).toBe(403);
    expect(wrong.challenge).toContain('error="insufficient_scope"');
    expect(wrong.challenge).toContain('scope="orders:write"');

    const list = await lab.client.call('GET', '/orders', lab.client.userToken('reader-1'));
    expect(list.body?.items ?? []).toEqual([]);
    expect(await stockOf(lab.client, 'KB-001')).toBe(before);
  });

  it('places an order with the right scope: order reserves the stock in inventory over mTLS with its own token', async () => {
    const before = await stockOf(lab.client, 'KB-001');
    const token = lab.client.userToken('reader-1');
    const placed = await lab.client.place(token, 'reader-1', [{ sku: 'KB-001', quantity: 2 }]);
    expect(placed).toMatchObject({ status: 201, body: { status: 'confirmed', customerId: 'reader-1' } });
    expect(await stockOf(lab.client, 'KB-001')).toBe(before - 2);
    expect((await lab.client.call('GET', `/orders/${placed.body!.id}`, token)).status).toBe(200);
  });

  it("keeps a customer to its own orders: another customer's order is not found, and cannot be listed or placed for", async () => {
    const mine = lab.client.userToken('reader-1');
    const theirs = lab.client.userToken('reader-2');
    const placed = await lab.client.place(mine, 'reader-1', [{ sku: 'MS-002', quantity: 1 }]);
    expect(placed.status).toBe(201);
    const id = placed.body!.id;

    expect(await lab.client.call('GET', `/orders/${id}`, theirs)).toMatchObject({ status: 404 });
    expect(await lab.client.call('POST', `/orders/${id}/cancel`, theirs)).toMatchObject({ status: 404 });
    expect(await lab.client.call('GET', '/orders?customerId=reader-1', theirs)).toMatchObject({
      status: 403,
      body: { type: '/problems/other-customer' },
    });
    const stock = await stockOf(lab.client, 'MS-002');
    expect(await lab.client.place(theirs, 'reader-1', [{ sku: 'MS-002', quantity: 1 }])).toMatchObject({ status: 403 });
    expect(await stockOf(lab.client, 'MS-002')).toBe(stock);
    // reader-2's own list holds none of reader-1's orders; the refused cancel changed nothing.
    expect((await lab.client.call('GET', '/orders', theirs)).body?.items).toEqual([]);
    expect((await lab.client.call('GET', `/orders/${id}`, mine)).body).toMatchObject({ status: 'confirmed' });
  });
});
