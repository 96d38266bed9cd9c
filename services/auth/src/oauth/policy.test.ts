import { describe, expect, it } from 'vitest';
import { labRegistry } from '../registry.ts';
import { defaultResource, grantable } from './policy.ts';

const one = (scopes: string[]) => ({ scopes, resources: 1 });

describe('who may get which token', () => {
  it('grants a client the scopes the registry allows it at a resource', () => {
    expect(grantable(labRegistry, 'order', 'urn:commlab:inventory', one(['inventory:reserve']))).toEqual({
      scopes: ['inventory:read', 'inventory:reserve'],
    });
  });

  it('refuses a resource the client is not registered for, and an unknown one (invalid_target)', () => {
    expect(grantable(labRegistry, 'order', 'urn:commlab:order', one([]))).toMatchObject({
      error: 'invalid_target',
      description: 'client order may not get tokens for urn:commlab:order',
    });
    expect(grantable(labRegistry, 'order', 'urn:commlab:nowhere', one([]))).toMatchObject({ error: 'invalid_target' });
  });

  it('refuses a scope of the resource that the client may not have, naming it (invalid_scope)', () => {
    expect(grantable(labRegistry, 'order', 'urn:commlab:inventory', one(['inventory:adjust']))).toEqual({
      error: 'invalid_scope',
      description: 'client order may not have inventory:adjust at urn:commlab:inventory',
      scope: 'inventory:adjust',
    });
  });

  it('refuses a scope the one requested resource does not define, but leaves it to the other resources of a multi-resource request', () => {
    expect(grantable(labRegistry, 'lab-cli', 'urn:commlab:order', one(['notifications:read']))).toMatchObject({
      error: 'invalid_scope',
    });
    expect(
      grantable(labRegistry, 'lab-cli', 'urn:commlab:order', {
        scopes: ['notifications:read', 'orders:read'],
        resources: 2,
      }),
    ).toEqual({ scopes: ['orders:read', 'orders:write'] });
  });

  it('defaults to the client’s only resource, and asks a client with several to name one', () => {
    expect(defaultResource(labRegistry, 'order')).toBe('urn:commlab:inventory');
    expect(defaultResource(labRegistry, 'lab-cli')).toMatchObject({
      error: 'invalid_target',
      description: expect.stringContaining('urn:commlab:order, urn:commlab:notification'),
    });
  });
});
