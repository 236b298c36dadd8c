import { describe, expect, it } from 'vitest';
import { Latest } from '../../src/lib/latest';

const later = <T>(v: T, ms: number, signal: AbortSignal) => new Promise<T>((resolve, reject) => {
  const t = setTimeout(() => resolve(v), ms);
  signal.addEventListener('abort', () => { clearTimeout(t); reject(new DOMException('aborted', 'AbortError')); });
});

describe('Latest', () => {
  it('answers only the last call, cancelling the ones before', async () => {
    const l = new Latest<string>();
    const signals: AbortSignal[] = [];
    const first = l.run((s) => { signals.push(s); return later('first', 30, s); });
    const second = l.run((s) => { signals.push(s); return later('second', 5, s); });
    expect(await first).toBeNull();
    expect(await second).toBe('second');
    expect(signals[0].aborted).toBe(true);
    expect(signals[1].aborted).toBe(false);
  });
  it('does not start a task superseded while it waited', async () => {
    const l = new Latest<number>();
    let started = 0;
    const a = l.run(async () => { started++; return 1; }, 20);
    const b = l.run(async () => { started++; return 2; }, 20);
    expect(await a).toBeNull();
    expect(await b).toBe(2);
    expect(started).toBe(1);
  });
  it('passes on a real failure', async () => {
    const l = new Latest<number>();
    await expect(l.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
  });
  it('cancel resolves the waiting call with null', async () => {
    const l = new Latest<number>();
    const a = l.run(async () => 1, 50);
    l.cancel();
    expect(await a).toBeNull();
  });
});
