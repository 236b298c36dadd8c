package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"placeplan/internal/fixture"
)

// TestServeStaysWithinMemoryBudget runs the built server on a real SQLite
// file with --memory-budget 384MiB and sends it, all at once, the worst
// this suite has: the 100,000 × 10,000 site selection that once grew a
// server to 24 GB (three times), site selections at the largest the budget
// allows, a score with a million uncertainty draws, plans, a comparison,
// board-paper files and uncached tiles at every zoom, while /healthz is
// asked every 50 ms. Every answer is a success or a refusal (422, or 503
// busy with Retry-After) — never another 5xx — health answers throughout,
// and the process's peak resident memory (VmHWM) stays within the budget.
func TestServeStaysWithinMemoryBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and loads it for a minute; skipped with -short")
	}
	const budget = 384 << 20
	bin := filepath.Join(t.TempDir(), "placeplan")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	db := filepath.Join(t.TempDir(), "budget.db")
	cmd := exec.Command(bin, "serve", "--db", db, "--create", "--addr", "127.0.0.1:0",
		"--memory-budget", "384MiB", "--max-analyses", "2", "--analysis-queue", "16")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				listening <- u
			}
		}
	}()
	var base string
	select {
	case base = <-listening:
	case <-time.After(90 * time.Second):
		t.Fatalf("serve printed no 'listening on' line within 90 s\n%s", stderr.String())
	}

	client := &http.Client{Timeout: 3 * time.Minute}
	var mu sync.Mutex
	counts := map[string]map[int]int{}
	var failures []string
	do := func(kind, method, path, body string) {
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Error(err)
			return
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s %s: %v", kind, path, err))
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if counts[kind] == nil {
			counts[kind] = map[int]int{}
		}
		counts[kind][resp.StatusCode]++
		switch {
		case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" && bytes.Contains(b, []byte(`"code":"busy"`)):
		case resp.StatusCode >= 500:
			failures = append(failures, fmt.Sprintf("%s %s: %d %.300s", kind, path, resp.StatusCode, b))
		}
	}

	stop := make(chan struct{})
	healthDone := make(chan struct{})
	var healthAsked, healthOK int
	go func() {
		defer close(healthDone)
		hc := &http.Client{Timeout: 2 * time.Second}
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			healthAsked++
			if resp, err := hc.Get(base + "/healthz"); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					healthOK++
				}
			}
		}
	}()

	hostile := fixture.HostileSitesBody()
	largest := fixture.SitesBody("mclp", 5, 1500, 1000, 1000) // 1,500,000 pairs: within 384 MiB ÷ 2 ÷ 2 ÷ 64 B = 1,572,864
	draws := `{"placeplan_scenario": 1, "name": "a million draws", "dataset": {"geography": "lsoa11"},
		"localities": {"scheme": "Oxfordshire early intervention areas"},
		"indicators": [{"key": "idaci_score", "weight": 1}, {"key": "imd_score", "weight": 1}],
		"normalisation": "rank", "aggregation": "arithmetic",
		"uncertainty": {"draws": 1000000, "concentration": 10, "normalisations": ["zscore", "rank"], "aggregations": ["arithmetic", "geometric"]}}`
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { do("hostile sites", http.MethodPost, "/api/v1/sites", hostile) })
	}
	for range 2 {
		wg.Go(func() { do("largest sites", http.MethodPost, "/api/v1/sites", largest) })
	}
	wg.Go(func() { do("million draws", http.MethodPost, "/api/v1/scores", draws) })
	wg.Go(func() {
		do("plan", http.MethodGet, "/api/v1/plans?scenario=shropshire-five-teams", "")
		do("compare", http.MethodGet, "/api/v1/compare?ids=shropshire-five-teams,shropshire-five-teams-30min,oxfordshire-hubs", "")
	})
	for _, format := range []string{"xlsx", "gpkg", "csv"} {
		wg.Go(func() { do("report", http.MethodGet, "/api/v1/scenarios/shropshire-five-teams/report."+format, "") })
	}
	wg.Go(func() {
		// Uncached tiles over Shropshire and Oxfordshire, zooms 6 to 13.
		for z := 6; z <= 13; z++ {
			for _, ll := range [][2]float64{{-2.75, 52.7}, {-1.25, 51.75}} {
				x, y := tileOf(ll[0], ll[1], z)
				for _, layer := range []string{"areas", "localities", "districts"} {
					do("tiles", http.MethodGet, fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layer, z, x, y), "")
				}
			}
		}
	})
	wg.Wait()
	close(stop)
	<-healthDone

	peak := vmHWM(t, cmd.Process.Pid)
	t.Logf("peak resident memory %d MiB of the %d MiB budget; answers %v; /healthz %d of %d", peak>>20, budget>>20, counts, healthOK, healthAsked)
	for _, f := range failures {
		t.Error(f)
	}
	if got := counts["hostile sites"][http.StatusUnprocessableEntity]; got != 3 {
		t.Errorf("the 100,000 × 10,000 selections: %v, want 3 × 422", counts["hostile sites"])
	}
	if healthAsked == 0 || healthOK != healthAsked {
		t.Errorf("/healthz answered %d of %d", healthOK, healthAsked)
	}
	if peak > budget {
		t.Errorf("peak resident memory %d MiB: over the %d MiB budget", peak>>20, budget>>20)
	}
}

// tileOf is the web-mercator tile holding lon, lat at zoom z.
func tileOf(lon, lat float64, z int) (x, y int) {
	n := float64(int(1) << z)
	x = int((lon + 180) / 360 * n)
	s := math.Sin(lat * math.Pi / 180)
	y = int((0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * n)
	return x, y
}

// vmHWM is a process's peak resident memory in bytes, from /proc.
func vmHWM(t *testing.T, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc to read the peak memory from: %v", err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}
