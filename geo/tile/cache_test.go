package tile

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

func key(layer string, rev int64, z, x, y uint32) CacheKey {
	return CacheKey{Layer: layer, Revision: rev, Z: z, X: x, Y: y}
}

// entrySize is what Put charges for data under k.
func entrySize(k CacheKey, data []byte) int64 {
	return int64(len(data)+len(k.Layer)+len(k.Scenario)+len(k.Fields)) + entryOverheadBytes
}

func TestCacheEvictsLeastRecentlyUsedByBytes(t *testing.T) {
	tile := bytes.Repeat([]byte{1}, 1000)
	one := entrySize(key("lsoa", 1, 0, 0, 0), tile)
	c := NewCache(3 * one) // room for exactly three tiles
	for x := range uint32(3) {
		c.Put(key("lsoa", 1, 5, x, 0), tile)
	}
	if _, ok := c.Get(key("lsoa", 1, 5, 0, 0)); !ok { // 0 is now the most recent
		t.Fatal("tile 0 missing")
	}
	c.Put(key("lsoa", 1, 5, 3, 0), tile) // evicts 1, the least recent
	for x, want := range []bool{true, false, true, true} {
		if _, ok := c.Get(key("lsoa", 1, 5, uint32(x), 0)); ok != want {
			t.Errorf("tile %d cached %v, want %v", x, ok, want)
		}
	}
	s := c.Stats()
	if s.Evictions != 1 || s.Entries != 3 || s.Bytes != 3*one || s.MaxBytes != 3*one || s.Puts != 4 {
		t.Errorf("stats %+v", s)
	}
	if s.Hits != 4 || s.Misses != 1 {
		t.Errorf("hits %d misses %d, want 4 and 1", s.Hits, s.Misses)
	}

	// A big tile evicts as many as it needs.
	big := bytes.Repeat([]byte{2}, int(2*one))
	c.Put(key("lsoa", 1, 6, 0, 0), big)
	if s := c.Stats(); s.Entries != 1 || s.Bytes > s.MaxBytes {
		t.Errorf("after a big tile: %+v", s)
	}
	// One larger than the budget is not stored.
	c.Put(key("lsoa", 1, 6, 1, 0), bytes.Repeat([]byte{3}, int(4*one)))
	if _, ok := c.Get(key("lsoa", 1, 6, 1, 0)); ok || c.Stats().Rejected != 1 {
		t.Errorf("oversized tile stored: %+v", c.Stats())
	}
}

func TestCacheSeparatesRevisionsScenariosAndFields(t *testing.T) {
	c := NewCache(1 << 20)
	k := key("lsoa", 1, 10, 500, 300)
	c.Put(k, []byte("revision 1"))
	k2 := k
	k2.Revision = 2
	if _, ok := c.Get(k2); ok {
		t.Fatal("revision 2 answered with revision 1's tile")
	}
	c.Put(k2, []byte("revision 2"))
	k3 := k2
	k3.Scenario = "hubs"
	if _, ok := c.Get(k3); ok {
		t.Fatal("scenario answered with the base tile")
	}
	k4 := k2
	k4.Fields = "fields=code"
	if _, ok := c.Get(k4); ok {
		t.Fatal("a field-filtered tile answered with the whole tile")
	}
	for want, k := range map[string]CacheKey{"revision 1": k, "revision 2": k2} {
		if got, ok := c.Get(k); !ok || string(got) != want {
			t.Errorf("Get(%+v) = %q, %v; want %q", k, got, ok, want)
		}
	}
	// Replacing a key keeps one entry and recounts its bytes.
	c.Put(k2, []byte("revision 2, re-encoded"))
	if got, _ := c.Get(k2); string(got) != "revision 2, re-encoded" || c.Stats().Entries != 2 {
		t.Errorf("replace: %q, %+v", got, c.Stats())
	}
	if n := c.Purge(func(k CacheKey) bool { return k.Layer == "lsoa" && k.Revision < 2 }); n != 1 {
		t.Errorf("purged %d, want 1", n)
	}
	if _, ok := c.Get(k); ok {
		t.Error("purged tile still cached")
	}
	if s := c.Stats(); s.Bytes != entrySize(k2, []byte("revision 2, re-encoded")) {
		t.Errorf("bytes %d after purge", s.Bytes)
	}
}

func TestCacheEmptyTilesAndDisabledCache(t *testing.T) {
	c := NewCache(1000)
	k := key("lsoa", 1, 14, 1, 1)
	c.Put(k, nil) // a tile with no features
	if data, ok := c.Get(k); !ok || data != nil {
		t.Errorf("empty tile: %v, %v; want nil, true", data, ok)
	}
	// Empty tiles still cost their overhead, so the cache stays bounded.
	for x := range uint32(100) {
		c.Put(key("lsoa", 1, 14, x, 2), nil)
	}
	if s := c.Stats(); s.Bytes > 1000 || s.Entries > 1000/entryOverheadBytes {
		t.Errorf("stats %+v", s)
	}
	off := NewCache(0)
	off.Put(k, []byte("x"))
	if _, ok := off.Get(k); ok {
		t.Error("a zero-byte cache stored a tile")
	}
}

// TestCacheConcurrent hammers one cache from several goroutines (run with
// -race) and checks that every hit returns the bytes put under its key.
func TestCacheConcurrent(t *testing.T) {
	c := NewCache(64 << 10)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := key("lsoa", int64(i%3), 12, uint32(i%97), uint32(g%2))
				want := fmt.Sprintf("%d/%d/%d/%d", k.Revision, k.Z, k.X, k.Y)
				if got, ok := c.Get(k); ok && string(got) != want {
					t.Errorf("Get(%+v) = %q, want %q", k, got, want)
					return
				}
				c.Put(k, []byte(want))
				if i%500 == 0 {
					c.Purge(func(k CacheKey) bool { return k.Revision == 0 })
				}
			}
		})
	}
	wg.Wait()
	s := c.Stats()
	if s.Bytes > s.MaxBytes || s.Hits+s.Misses != 8*2000 {
		t.Errorf("stats %+v", s)
	}
}

func BenchmarkCacheGet(b *testing.B) {
	c := NewCache(1 << 30)
	data := make([]byte, 20000)
	for x := range uint32(1000) {
		c.Put(key("lsoa", 1, 12, x, 0), data)
	}
	b.ReportAllocs()
	i := uint32(0)
	for b.Loop() {
		c.Get(key("lsoa", 1, 12, i%1000, 0))
		i++
	}
}
