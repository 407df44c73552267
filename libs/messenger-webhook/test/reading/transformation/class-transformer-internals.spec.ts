import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { findClassTransformerInternals } from '../../../src/reading/transformation/class-transformer-internals.js';

describe('findClassTransformerInternals', () => {
  // Without them every event falls back to plainToInstance: still correct, but the fast path is silently lost.
  it('reaches the metadata storage the decorators write to', () => {
    const lookup = findClassTransformerInternals();
    expect(lookup).toMatchObject({ found: true });
  });
});
