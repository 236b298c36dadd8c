// Package revcache is placeplan's one cache of values derived from the
// store: each value is built once per key and data revision by one
// caller (a single flight) and shared by every caller asking meanwhile;
// a waiter whose context ends returns its context's error at once while
// the build goes on for the others. It knows nothing of HTTP or SQLite.
package revcache

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// Cache holds one value per key, built lazily for a data revision and
// built again when a newer revision is asked for. A build outlives the
// caller that started it (it runs detached from that caller's
// cancellation), so one client going away does not fail the others. A
// failed build is forgotten, so the next caller tries again. When a newer
// revision is first asked for, the finished values of older revisions
// are dropped, so that at most one revision's values stay besides builds
// in flight; with MaxEntries set, the oldest finished values are also
// dropped beyond that many. The zero value is ready to use and unbounded.
type Cache[K comparable, V any] struct {
	// MaxEntries bounds the values kept (0 for no bound). Builds in
	// flight are never dropped.
	MaxEntries int

	mu      sync.Mutex
	entries map[K]*entry[V]
	order   []K // keys by when their entry was made, oldest first
	maxRev  int64
}

// entry is one value of a Cache, ready once done is closed.
type entry[V any] struct {
	rev  int64
	done chan struct{}
	val  V
	err  error
}

// Get returns the value for key built at revision rev or later, with the
// revision it was built at, building it with build if there is none. A
// caller that read an older revision than the newest value's is given the
// newest value: newer data under an older ETag only makes a client fetch
// again, never keeps it on stale data. It waits for a build in flight
// until ctx ends, then returns ctx.Err().
func (c *Cache[K, V]) Get(ctx context.Context, key K, rev int64, build func(context.Context) (V, error)) (V, int64, error) {
	e := c.entry(ctx, key, rev, build)
	select {
	case <-e.done:
		return e.val, e.rev, e.err
	case <-ctx.Done():
		var zero V
		return zero, 0, ctx.Err()
	}
}

// Peek is Get without the wait: it reports false, and starts the build
// if none is in flight, while the value is not built yet.
func (c *Cache[K, V]) Peek(ctx context.Context, key K, rev int64, build func(context.Context) (V, error)) (V, int64, bool, error) {
	e := c.entry(ctx, key, rev, build)
	select {
	case <-e.done:
		return e.val, e.rev, true, e.err
	default:
		var zero V
		return zero, 0, false, nil
	}
}

// entry returns the entry for key at revision rev or later, starting its
// build (detached from ctx's cancellation) when there is none.
func (c *Cache[K, V]) entry(ctx context.Context, key K, rev int64, build func(context.Context) (V, error)) *entry[V] {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e != nil && e.rev >= rev {
		return e
	}
	if c.entries == nil {
		c.entries = map[K]*entry[V]{}
	}
	if rev > c.maxRev {
		c.maxRev = rev
		for k, old := range c.entries {
			if old.rev < rev && isDone(old.done) {
				delete(c.entries, k)
			}
		}
	}
	e = &entry[V]{rev: rev, done: make(chan struct{})}
	c.entries[key] = e
	c.order = append(c.order, key)
	c.trim()
	go c.run(context.WithoutCancel(ctx), key, e, build)
	return e
}

// trim drops the oldest finished values beyond MaxEntries, and forgets
// the order of keys no longer held. c.mu is held.
func (c *Cache[K, V]) trim() {
	kept := make([]K, 0, len(c.order))
	seen := make(map[K]bool, len(c.order))
	for i := len(c.order) - 1; i >= 0; i-- { // newest first, so a key counts once, at its newest
		k := c.order[i]
		if seen[k] || c.entries[k] == nil {
			continue
		}
		seen[k] = true
		kept = append(kept, k)
	}
	// kept is newest first; drop from its end while over the bound.
	for c.MaxEntries > 0 && len(kept) > c.MaxEntries {
		dropped := false
		for i := len(kept) - 1; i >= 0; i-- {
			if isDone(c.entries[kept[i]].done) {
				delete(c.entries, kept[i])
				kept = append(kept[:i], kept[i+1:]...)
				dropped = true
				break
			}
		}
		if !dropped {
			break // only builds in flight: kept until they finish
		}
	}
	order := make([]K, len(kept))
	for i, k := range kept {
		order[len(kept)-1-i] = k
	}
	c.order = order
}

// run builds e, turning a panic into an error (it runs outside any
// caller, where nothing else would recover it).
func (c *Cache[K, V]) run(ctx context.Context, key K, e *entry[V], build func(context.Context) (V, error)) {
	defer close(e.done)
	defer func() {
		if r := recover(); r != nil {
			e.err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
		if e.err != nil {
			c.mu.Lock()
			if c.entries[key] == e {
				delete(c.entries, key)
			}
			c.mu.Unlock()
		}
	}()
	e.val, e.err = build(ctx)
}

// isDone reports whether ch is closed.
func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
