package tile

import (
	"container/list"
	"sync"
)

// CacheKey identifies one encoded tile. Revision is the data revision the
// tile was built from: a tile of a new revision has a new key, so the cache
// never answers with a tile of older data.
type CacheKey struct {
	Layer    string // layer set name, e.g. "lsoa"
	Revision int64  // data revision the tile was encoded from
	Scenario string // scenario id, "" for none
	// Fields names the property filter the tile was encoded with, in a
	// form the caller normalises (so that one filter has one key), ""
	// for none.
	Fields  string
	Z, X, Y uint32 // tile address (XYZ scheme)
}

// entryOverheadBytes is what each cache entry is charged on top of its data
// and key strings: roughly the list element, map entry and key header. It
// keeps the count of cached empty tiles bounded too.
const entryOverheadBytes = 128

// CacheStats is a snapshot of a Cache's counters, for metrics.
type CacheStats struct {
	Hits, Misses int64 // Get calls that found / did not find their key
	Puts         int64 // tiles stored
	Evictions    int64 // tiles removed to stay within MaxBytes
	Rejected     int64 // tiles too large to store at all
	Entries      int   // tiles held now
	Bytes        int64 // bytes charged now (data + key strings + overhead)
	MaxBytes     int64 // the cache's budget
}

// Cache is a least-recently-used cache of encoded tiles bounded by bytes.
// Each entry is charged the length of its data, the length of its key's
// strings (layer, scenario, fields) and a fixed overhead of 128 bytes, so
// cached empty tiles (nil data, for "204 No Content") are bounded too. It
// is safe for concurrent use.
type Cache struct {
	mu       sync.Mutex
	maxBytes int64
	bytes    int64
	order    *list.List // front = most recently used; values are *cacheEntry
	entries  map[CacheKey]*list.Element
	stats    CacheStats
}

type cacheEntry struct {
	key  CacheKey
	data []byte
	size int64
}

// NewCache returns a cache that holds at most maxBytes bytes of tiles. A
// cache with maxBytes ≤ 0 stores nothing.
func NewCache(maxBytes int64) *Cache {
	return &Cache{
		maxBytes: max(maxBytes, 0),
		order:    list.New(),
		entries:  map[CacheKey]*list.Element{},
	}
}

// Get returns the tile stored under key and true, or nil and false. A tile
// stored as empty is returned as nil and true. The bytes are shared: the
// caller must not modify them.
func (c *Cache) Get(key CacheKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		c.stats.Misses++
		return nil, false
	}
	c.stats.Hits++
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).data, true
}

// Put stores data (nil or empty for a tile with no features) under key,
// replacing any tile already there, and evicts least recently used tiles
// until the cache is within its budget. A tile larger than the whole budget
// is not stored. Put keeps data: the caller must not modify it afterwards.
func (c *Cache) Put(key CacheKey, data []byte) {
	size := int64(len(data)+len(key.Layer)+len(key.Scenario)+len(key.Fields)) + entryOverheadBytes
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	if size > c.maxBytes {
		c.stats.Rejected++
		return
	}
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, data: data, size: size})
	c.bytes += size
	c.stats.Puts++
	for c.bytes > c.maxBytes {
		c.remove(c.order.Back())
		c.stats.Evictions++
	}
}

// Purge removes every tile whose key matches and returns how many it
// removed: for example the tiles of revisions that can no longer be asked
// for, to free their memory before the LRU order would.
func (c *Cache) Purge(match func(CacheKey) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for el := c.order.Front(); el != nil; {
		next := el.Next()
		if match(el.Value.(*cacheEntry).key) {
			c.remove(el)
			n++
		}
		el = next
	}
	return n
}

func (c *Cache) remove(el *list.Element) {
	e := c.order.Remove(el).(*cacheEntry)
	delete(c.entries, e.key)
	c.bytes -= e.size
}

// Stats returns a snapshot of the cache's counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries = len(c.entries)
	s.Bytes = c.bytes
	s.MaxBytes = c.maxBytes
	return s
}

// Stored is one encoded tile and its key, as a Cache holds it and as a
// store of tiles keeps it across restarts: Data is the tile's bytes (the
// callers' encoding, gzipped MVT in placeplan), empty for a tile with no
// features.
type Stored struct {
	Key  CacheKey
	Data []byte
}

// StoredSet names one set of stored tiles: a layer at a data revision
// with a fields filter, over zooms MinZoom to MaxZoom, and how many of its
// tiles hold features (the others are empty).
type StoredSet struct {
	Layer            string
	Revision         int64
	Fields           string
	MinZoom, MaxZoom uint32
	Tiles            int
}
