package api

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestHugeSiteSelectionIsRefused is issue 15's request that once grew the
// server to 24 GB: 100,000 demand points × 10,000 candidates with every
// pair within the standard (8 MB, under the body limit). It is refused
// with 422 naming the limit and the size asked for, and the server goes on
// answering.
func TestHugeSiteSelectionIsRefused(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	h := srv.Handler()
	var b strings.Builder
	b.WriteString(`{"model":"pmedian","p":100,"standard_km":100000,"demand":[`)
	for i := range 100_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"d%d","lon":%.5f,"lat":%.5f,"weight":1}`, i, -3+float64(i%316)/100, 52+float64(i/316)/200)
	}
	b.WriteString(`],"candidates":[`)
	for j := range 10_000 {
		if j > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"c%d","lon":%.5f,"lat":%.5f}`, j, -3+float64(j%100)/30, 52+float64(j/100)/60)
	}
	b.WriteString(`]}`)
	if b.Len() > maxSitesBytes {
		t.Fatalf("the request is %d bytes, over the body limit", b.Len())
	}
	rec := request(t, h, http.MethodPost, "/api/v1/sites", "application/json", b.String())
	p := decodeProblem(t, rec, http.StatusUnprocessableEntity)
	if !strings.Contains(p.Detail, "100000 demand points × 10000 candidates") || !strings.Contains(p.Detail, "the limit is 25000000") {
		t.Errorf("detail %q: want the size asked for and the limit", p.Detail)
	}
	if r := get(t, h, "/healthz"); r.Code != http.StatusOK {
		t.Errorf("healthz after the refusal: %d", r.Code)
	}
}

// TestAnalysesAreQueuedThenRefused: with one analysis running and the
// queue full, the next analysis is refused at once with 503, code busy and
// Retry-After, while maps and health answer as usual; a queued one runs
// once the running one ends.
func TestAnalysesAreQueuedThenRefused(t *testing.T) {
	srv, _ := newServer(t, Config{MaxAnalyses: 1, AnalysisQueue: 1}, loadDefault(t))
	h := srv.Handler()
	release, err := srv.analyses.acquire(context.Background()) // one running
	if err != nil {
		t.Fatal(err)
	}
	queued := make(chan int)
	go func() {
		queued <- get(t, h, "/api/v1/scores?scenario=shropshire-need").Code
	}()
	for srv.analyses.waiting.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	busy := get(t, h, "/api/v1/plans?scenario=shropshire-five-teams")
	p := decodeProblem(t, busy, http.StatusServiceUnavailable)
	if p.Code != "busy" || busy.Header().Get("Retry-After") != "2" || !strings.Contains(p.Detail, "1 analyses are running and 1 waiting") {
		t.Errorf("a full queue: %+v, Retry-After %q", p, busy.Header().Get("Retry-After"))
	}
	for _, url := range []string{"/healthz", "/api/v1/config", "/api/v1/datasets"} {
		if r := get(t, h, url); r.Code != http.StatusOK {
			t.Errorf("%s while the analyses are full: %d", url, r.Code)
		}
	}
	release()
	if code := <-queued; code != http.StatusOK {
		t.Errorf("the queued analysis: %d", code)
	}
}

// TestOverflowingSitesRequestIs400: demand weights of 1e308 used to give a
// 500 (the objective overflowed to +Inf); now a 400 that names them.
func TestOverflowingSitesRequestIs400(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	body := `{"model":"pmedian","p":1,"standard_km":50,"demand":[{"id":"a","lon":-2.7,"lat":52.7,"weight":1e308},{"id":"b","lon":-2.8,"lat":52.7,"weight":1e308}],` +
		`"candidates":[{"id":"x","lon":-2.75,"lat":52.7}]}`
	p := decodeProblem(t, request(t, srv.Handler(), http.MethodPost, "/api/v1/sites", "application/json", body), http.StatusBadRequest)
	if !strings.Contains(p.Detail, "demand weights add up to") {
		t.Errorf("detail %q", p.Detail)
	}
}

// TestDefaultMaxAnalyses: one analysis per core but one, at least one;
// the gate of a server told nothing takes that many.
func TestDefaultMaxAnalyses(t *testing.T) {
	for cores, want := range map[int]int{1: 1, 2: 1, 3: 2, 8: 7, 64: 63} {
		if got := defaultMaxAnalyses(cores); got != want {
			t.Errorf("defaultMaxAnalyses(%d) = %d, want %d", cores, got, want)
		}
	}
	if got, want := cap(newAnalysisGate(0, 0).run), defaultMaxAnalyses(runtime.GOMAXPROCS(0)); got != want {
		t.Errorf("a gate told nothing runs %d analyses at once, want %d", got, want)
	}
}
