package api

import (
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"placeplan"
)

// BenchmarkAreaProfileEngland answers GET /api/v1/areas/lsoa11/{code}
// through the router with all of England loaded (englandStore: IoD2019
// and the 32,844 LSOA 2011 boundaries, ingested first), for 2,000 areas
// drawn at random, seeded: "sequential" reports the 50th and 99th
// percentile latency of one request at a time, "parallel" the time per
// profile with GOMAXPROCS clients at once (its inverse is the server's
// throughput). What a profile needs is built once per data revision,
// before timing (its build time is logged). Target (issue 15): p99 under
// 50 ms at 1,000 requests/s, measured with wrk (make load).
func BenchmarkAreaProfileEngland(b *testing.B) {
	store := englandStore(b, b.TempDir())
	areas, err := store.Areas(b.Context(), placeplan.AreaQuery{Geography: placeplan.LSOA2011})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(15, 6))
	paths := make([]string, 2000)
	for i := range paths {
		paths[i] = "/api/v1/areas/lsoa11/" + areas[r.IntN(len(areas))].Code
	}
	h := newTBServer(store, Config{}).Handler()
	start := time.Now()
	if rec := getTB(h, paths[0]); rec.Code != http.StatusOK {
		b.Fatalf("%s: status %d: %s", paths[0], rec.Code, rec.Body)
	}
	b.Logf("first profile (building what profiles need) in %v", time.Since(start).Round(time.Millisecond))

	b.Run("sequential", func(b *testing.B) {
		b.ReportAllocs()
		durs := make([]time.Duration, 0, len(paths))
		i := 0
		for b.Loop() {
			p := paths[i%len(paths)]
			i++
			t := time.Now()
			rec := getTB(h, p)
			durs = append(durs, time.Since(t))
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: status %d: %s", p, rec.Code, rec.Body)
			}
		}
		b.ReportMetric(msOf(percentile(durs, 50)), "p50-ms")
		b.ReportMetric(msOf(percentile(durs, 99)), "p99-ms")
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		var clients atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			i := int(clients.Add(1)) * 7919 // each client from its own place in the list
			for pb.Next() {
				p := paths[i%len(paths)]
				i++
				if rec := getTB(h, p); rec.Code != http.StatusOK {
					b.Errorf("%s: status %d", p, rec.Code)
					return
				}
			}
		})
	})
}
