import { describe, expect, it } from 'vitest';
import { openApiChecker } from './openapi.ts';

const document = {
  openapi: '3.1.0',
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          200: {
            description: 'a thing',
            headers: { etag: { schema: { type: 'string', pattern: '^"v[0-9]+"$' } } },
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/Thing' },
              },
            },
          },
          304: { description: 'not modified' },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'string', format: 'uuid' } },
      },
    },
  },
};

const id = '6b1f1f0e-8a43-4f7b-9c55-2b3a3c1d2e4f';
const json = { 'content-type': 'application/json; charset=utf-8' };
const check = openApiChecker(document);
const get = (status: number, headers: Record<string, string>, body: string) =>
  check({ method: 'GET', url: `/things/${id}?x=1`, status, headers, body });

describe('OpenAPI response checker', () => {
  it('accepts a documented response whose body and headers match', () => {
    expect(get(200, { ...json, ETag: '"v2"' }, JSON.stringify({ id }))).toEqual([]);
    expect(get(304, {}, '')).toEqual([]);
  });

  it('names each way a response departs from the document', () => {
    expect(get(404, json, '{}')).toEqual([expect.stringContaining('status not documented')]);
    expect(get(200, json, JSON.stringify({ id: 'nope' }))).toEqual([
      expect.stringContaining('body/id must match format'),
    ]);
    expect(get(200, { ...json, etag: 'v2' }, JSON.stringify({ id }))).toEqual([expect.stringContaining('header etag')]);
    expect(get(200, { 'content-type': 'text/html' }, '<p>')).toEqual([
      expect.stringContaining('content-type text/html'),
    ]);
    expect(get(304, {}, 'surprise')).toEqual([expect.stringContaining('a body where none is documented')]);
    expect(check({ method: 'GET', url: '/nowhere', status: 200, headers: {}, body: '' })).toEqual([
      expect.stringContaining('path not in the OpenAPI document'),
    ]);
    expect(check({ method: 'DELETE', url: `/things/${id}`, status: 200, headers: {}, body: '' })).toEqual([
      expect.stringContaining('DELETE /things/{id} not in the OpenAPI document'),
    ]);
  });
});
