import { describe, expect, it } from 'vitest';
import { tlsTargetOptions } from './grpc-tls.ts';

describe('tlsTargetOptions', () => {
  it('asks for localhost when every target is the loopback address, v4 or v6', () => {
    expect(tlsTargetOptions('127.0.0.1:50051')).toEqual({ 'grpc.ssl_target_name_override': 'localhost' });
    expect(tlsTargetOptions('[::1]:50051,127.0.0.1:50061')).toEqual({ 'grpc.ssl_target_name_override': 'localhost' });
  });

  it('leaves a host name, or any other machine among the targets, to be checked as it is', () => {
    expect(tlsTargetOptions('inventory:50051')).toEqual({});
    expect(tlsTargetOptions('127.0.0.1:50051,10.0.0.7:50051')).toEqual({});
  });
});
