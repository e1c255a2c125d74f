import { ROOT_CONTEXT, createContextKey } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from './async-context-manager.js';

const KEY = createContextKey('request');

describe('AsyncLocalStorageContextManager', () => {
  it('keeps the context across awaits and timers, and isolates concurrent work', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    const seen = await Promise.all(
      ['a', 'b'].map((id) =>
        manager.with(ROOT_CONTEXT.setValue(KEY, id), async () => {
          await new Promise((r) => setTimeout(r, id === 'a' ? 20 : 5));
          await Promise.resolve();
          return manager.active().getValue(KEY);
        }),
      ),
    );
    expect(seen).toEqual(['a', 'b']);
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('bind runs a function later in the bound context', () => {
    const manager = new AsyncLocalStorageContextManager();
    const bound = manager.bind(ROOT_CONTEXT.setValue(KEY, 'x'), () => manager.active().getValue(KEY));
    expect(bound()).toBe('x');
  });
});
