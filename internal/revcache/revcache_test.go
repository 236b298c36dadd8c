package revcache

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestOneBuildPerKeyAndRevision: callers asking at once share one build;
// a newer revision builds again, and a caller of an older revision gets
// the newer value.
func TestOneBuildPerKeyAndRevision(t *testing.T) {
	var c Cache[string, int]
	var builds atomic.Int32
	release := make(chan struct{})
	build := func(v int) func(context.Context) (int, error) {
		return func(context.Context) (int, error) {
			builds.Add(1)
			<-release
			return v, nil
		}
	}
	var wg sync.WaitGroup
	got := make([]int, 8)
	for i := range got {
		wg.Go(func() {
			v, rev, err := c.Get(context.Background(), "k", 1, build(10))
			if err != nil || rev != 1 {
				t.Errorf("Get: rev %d, %v", rev, err)
			}
			got[i] = v
		})
	}
	time.Sleep(10 * time.Millisecond)
	close(release)
	wg.Wait()
	for _, v := range got {
		if v != 10 {
			t.Errorf("values %v, want all 10", got)
			break
		}
	}
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds for one key and revision, want 1", n)
	}
	if v, rev, _ := c.Get(context.Background(), "k", 2, build(20)); v != 20 || rev != 2 || builds.Load() != 2 {
		t.Errorf("revision 2: %d at %d after %d builds; want 20 at 2 after 2", v, rev, builds.Load())
	}
	if v, rev, _ := c.Get(context.Background(), "k", 1, build(99)); v != 20 || rev != 2 || builds.Load() != 2 {
		t.Errorf("revision 1 after 2: %d at %d; want the newer value, 20 at 2, unbuilt", v, rev)
	}
	if v, _, _ := c.Get(context.Background(), "other", 2, build(30)); v != 30 {
		t.Errorf("another key: %d", v)
	}
}

// TestWaiterCancelled: a waiter whose context ends returns its error at
// once; the build goes on, and another waiter gets its value.
func TestWaiterCancelled(t *testing.T) {
	var c Cache[string, string]
	release := make(chan struct{})
	var buildCtxErr atomic.Value
	build := func(ctx context.Context) (string, error) {
		<-release
		buildCtxErr.Store(ctx.Err() == nil)
		return "built", nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := c.Get(ctx, "k", 1, build)
		done <- err
	}()
	patient := make(chan string, 1)
	go func() {
		v, _, _ := c.Get(context.Background(), "k", 1, build)
		patient <- v
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled waiter: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled waiter is still waiting for the build")
	}
	close(release)
	if v := <-patient; v != "built" {
		t.Errorf("the other waiter got %q", v)
	}
	if ok, _ := buildCtxErr.Load().(bool); !ok {
		t.Error("the build saw the first caller's cancellation")
	}
	if v, _, err := c.Get(context.Background(), "k", 1, nil); v != "built" || err != nil {
		t.Errorf("after the build: %q, %v", v, err)
	}
}

// TestFailuresAreForgotten: an error or a panic is returned to the
// waiters, and the next caller builds again.
func TestFailuresAreForgotten(t *testing.T) {
	var c Cache[int, int]
	boom := errors.New("boom")
	if _, _, err := c.Get(context.Background(), 1, 1, func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("error: %v", err)
	}
	if _, _, err := c.Get(context.Background(), 1, 1, func(context.Context) (int, error) { panic("bad") }); err == nil || !strings.Contains(err.Error(), "panic: bad") {
		t.Errorf("panic: %v", err)
	}
	if v, _, err := c.Get(context.Background(), 1, 1, func(context.Context) (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Errorf("after failures: %d, %v", v, err)
	}
}

// TestPeek starts a build without waiting for it.
func TestPeek(t *testing.T) {
	var c Cache[string, int]
	release := make(chan struct{})
	build := func(context.Context) (int, error) { <-release; return 5, nil }
	if _, _, ok, _ := c.Peek(context.Background(), "k", 1, build); ok {
		t.Fatal("Peek found a value before any build")
	}
	close(release)
	if v, _, err := c.Get(context.Background(), "k", 1, nil); v != 5 || err != nil { // the build Peek started
		t.Errorf("Get after Peek: %d, %v", v, err)
	}
	if v, _, ok, _ := c.Peek(context.Background(), "k", 1, nil); !ok || v != 5 {
		t.Errorf("Peek after the build: %d, %v", v, ok)
	}
}

// TestMaxEntries keeps the newest finished values, and never drops a
// build in flight.
func TestMaxEntries(t *testing.T) {
	c := Cache[int, int]{MaxEntries: 2}
	ctx := context.Background()
	var builds atomic.Int32
	build := func(v int) func(context.Context) (int, error) {
		return func(context.Context) (int, error) { builds.Add(1); return v, nil }
	}
	for k := range 3 {
		c.Get(ctx, k, 1, build(k))
	}
	if builds.Load() != 3 {
		t.Fatalf("%d builds", builds.Load())
	}
	c.Get(ctx, 2, 1, build(2))
	c.Get(ctx, 1, 1, build(1))
	if builds.Load() != 3 {
		t.Errorf("the two newest were rebuilt: %d builds", builds.Load())
	}
	c.Get(ctx, 0, 1, build(0))
	if builds.Load() != 4 {
		t.Errorf("the oldest was kept beyond MaxEntries: %d builds, want 4", builds.Load())
	}
	release := make(chan struct{})
	slow := func(context.Context) (int, error) { <-release; return 9, nil }
	c.Peek(ctx, 10, 1, slow)
	c.Peek(ctx, 11, 1, slow)
	c.Peek(ctx, 12, 1, slow)
	close(release)
	for k := 10; k <= 12; k++ {
		if v, _, err := c.Get(ctx, k, 1, nil); v != 9 || err != nil {
			t.Errorf("build in flight %d: %d, %v", k, v, err)
		}
	}
}

// TestRevCache moved here from api/tiles_fresh_test.go with the cache.
func TestRevCache(t *testing.T) {
	ctx := context.Background()
	counting := func(n *atomic.Int32, val string) func(context.Context) (string, error) {
		return func(context.Context) (string, error) {
			n.Add(1)
			time.Sleep(10 * time.Millisecond)
			return val, nil
		}
	}

	t.Run("one build for concurrent callers", func(t *testing.T) {
		var rc Cache[string, string]
		var n atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if v, rev, err := rc.Get(ctx, "k", 3, counting(&n, "v3")); v != "v3" || rev != 3 || err != nil {
					t.Errorf("get = %q, %d, %v", v, rev, err)
				}
			})
		}
		wg.Wait()
		if n.Load() != 1 {
			t.Errorf("%d builds, want 1", n.Load())
		}
	})

	t.Run("newer revision rebuilds, older reuses the newer", func(t *testing.T) {
		var rc Cache[string, string]
		var n atomic.Int32
		rc.Get(ctx, "k", 3, counting(&n, "v3"))
		if v, rev, _ := rc.Get(ctx, "k", 4, counting(&n, "v4")); v != "v4" || rev != 4 {
			t.Errorf("revision 4: %q at %d", v, rev)
		}
		if v, rev, _ := rc.Get(ctx, "k", 3, counting(&n, "v3 again")); v != "v4" || rev != 4 {
			t.Errorf("a late revision-3 request: %q at %d, want the newer v4 at 4", v, rev)
		}
		if n.Load() != 2 {
			t.Errorf("%d builds, want 2", n.Load())
		}
	})

	t.Run("older revisions are dropped", func(t *testing.T) {
		var rc Cache[string, string]
		var n atomic.Int32
		rc.Get(ctx, "a", 1, counting(&n, "a1"))
		rc.Get(ctx, "b", 1, counting(&n, "b1"))
		rc.Get(ctx, "a", 2, counting(&n, "a2"))
		rc.mu.Lock()
		_, hasB := rc.entries["b"]
		rc.mu.Unlock()
		if hasB {
			t.Error("b of revision 1 is still held after revision 2 was built")
		}
	})

	t.Run("a failed build is retried", func(t *testing.T) {
		var rc Cache[string, string]
		boom := errors.New("boom")
		if _, _, err := rc.Get(ctx, "k", 1, func(context.Context) (string, error) { return "", boom }); !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		if v, _, err := rc.Get(ctx, "k", 1, func(context.Context) (string, error) { return "ok", nil }); v != "ok" || err != nil {
			t.Errorf("retry: %q, %v", v, err)
		}
	})

	t.Run("a panic is an error", func(t *testing.T) {
		var rc Cache[string, string]
		_, _, err := rc.Get(ctx, "k", 1, func(context.Context) (string, error) { panic("kaboom") })
		if err == nil || !strings.Contains(err.Error(), "kaboom") {
			t.Errorf("err = %v, want the panic", err)
		}
	})

	t.Run("a cancelled caller does not cancel the build", func(t *testing.T) {
		var rc Cache[string, string]
		started, release := make(chan struct{}), make(chan struct{})
		build := func(ctx context.Context) (string, error) {
			close(started)
			<-release
			return "built", ctx.Err()
		}
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error)
		go func() {
			_, _, err := rc.Get(cctx, "k", 1, build)
			done <- err
		}()
		<-started
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled caller: %v", err)
		}
		close(release)
		if v, _, err := rc.Get(ctx, "k", 1, build); v != "built" || err != nil {
			t.Errorf("the next caller: %q, %v; want the build to have finished", v, err)
		}
	})
}
