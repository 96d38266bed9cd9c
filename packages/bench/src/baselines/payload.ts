import { brotliCompressSync, constants, gzipSync, zstdCompressSync } from 'node:zlib';

/** An order as the order API answers it: what the payload experiments send. */
export function sampleOrder(n: number) {
  return {
    id: `0b5c${String(n).padStart(4, '0')}-6a1e-4c8f-9d2b-3f7e81a2c4d${n % 10}`,
    customerId: `customer-${(n * 7919) % 1000}`,
    status: n % 5 === 0 ? 'cancelled' : 'confirmed',
    lines: [
      { sku: 'KB-001', quantity: 1 + (n % 3) },
      { sku: 'MS-002', quantity: 1 },
      { sku: 'CB-007', quantity: 2 + (n % 4) },
    ],
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  };
}

/** A JSON page of orders of about `bytes` bytes. */
export function ordersJson(bytes: number): string {
  const orders = [];
  let size = 2;
  for (let n = 0; size < bytes; n++) {
    const order = sampleOrder(n);
    size += JSON.stringify(order).length + 1;
    orders.push(order);
  }
  return JSON.stringify(orders);
}

export type Encoding = 'identity' | 'gzip' | 'br' | 'zstd';

/**
 * Compresses as a web server would for dynamic content: gzip level 6 (zlib's default), brotli
 * quality 5 (11, its default, is for static files compressed once), zstd level 3 (its default).
 */
export function compress(body: Buffer, encoding: Encoding): Buffer {
  switch (encoding) {
    case 'gzip':
      return gzipSync(body);
    case 'br':
      return brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
    case 'zstd':
      return zstdCompressSync(body);
    default:
      return body;
  }
}
