package api

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/data"
)

// newTBServer builds a Server over store that discards its log, for
// benchmarks (newServer and get take a *testing.T).
func newTBServer(store Store, cfg Config) *Server {
	return NewServer(localUnlessAccounts(cfg), store, nil)
}

// getTB sends a GET through h; headers come in name, value pairs.
func getTB(h http.Handler, target string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// decodeTile checks that rec is a 200 vector tile and decodes it with
// orb's MVT decoder, undoing one gzip layer when the response says
// Content-Encoding: gzip. Geometry stays in tile coordinates.
func decodeTile(t *testing.T, rec *httptest.ResponseRecorder) mvt.Layers {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200; body: %.200s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != mvtContentType {
		t.Fatalf("Content-Type = %q, want %s", ct, mvtContentType)
	}
	body := rec.Body.Bytes()
	if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length = %q for a %d-byte body", cl, len(body))
	}
	switch enc := rec.Header().Get("Content-Encoding"); enc {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("Content-Encoding gzip, but: %v", err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("gunzip: %v", err)
		}
	case "":
	default:
		t.Fatalf("Content-Encoding = %q", enc)
	}
	layers, err := mvt.Unmarshal(body) // fails on a body still gzipped
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	return layers
}

// tileAt returns the tile of zoom z holding the WGS84 point p.
func tileAt(lon, lat float64, z maptile.Zoom) maptile.Tile {
	return maptile.At(orb.Point{lon, lat}, z)
}

// tilePath returns the URL path of tile t of layer.
func tilePath(layer string, t maptile.Tile) string {
	return "/tiles/" + layer + "/" + strconv.Itoa(int(t.Z)) + "/" + strconv.Itoa(int(t.X)) + "/" + strconv.Itoa(int(t.Y)) + ".mvt"
}

// writeIndicatorCSV writes an indicator CSV and its metadata sidecar into
// dir and returns the CSV's path.
func writeIndicatorCSV(t testing.TB, dir, name, csv, meta string) string {
	t.Helper()
	p := filepath.Join(dir, name+".csv")
	if err := os.WriteFile(p, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".meta.csv"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// ingestReferrals ingests a confidential count indicator, referrals, for
// three Shropshire LSOAs: 3 (withheld below 5), 12 and 0.
func ingestReferrals(t testing.TB, store *data.Store) {
	t.Helper()
	p := writeIndicatorCSV(t, t.TempDir(), "referrals",
		"lsoa11cd,referrals\nE01028826,3\nE01028827,12\nE01028828,0\n",
		"indicator,name,unit,direction,kind,denominator,confidential\n"+
			"referrals,Early help referrals,referrals,higher_is_worse,count,children,yes\n")
	if _, err := store.IngestFiles(context.Background(), []string{p}, data.IngestOptions{Geography: placeplan.LSOA2011}); err != nil {
		t.Fatalf("ingest referrals: %v", err)
	}
}

// metricSample matches one sample line of the Prometheus text format.
var metricSample = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$`)

// scrape fetches /metrics through h and returns its samples: metric name
// with labels as written (e.g. `placeplan_http_requests_total{method="GET",…}`)
// → value.
func scrape(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	rec := get(t, h, "/metrics")
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("/metrics: Content-Type %q", ct)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(rec.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := metricSample.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("/metrics: unparsable line %q", line)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("/metrics: line %q: %v", line, err)
		}
		out[m[1]+m[2]] = v
	}
	return out
}

// sharedDataPath returns a file of the shared data directory beside the
// module, skipping tb when it is absent.
func sharedDataPath(tb testing.TB, parts ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{"..", "..", "shared", "data"}, parts...)...)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		tb.Skipf("shared data %s is absent; skipping the England run", p)
	}
	return p
}

// englandStore ingests IoD2019 and the LSOA 2011 boundaries of all of
// England (32,844 areas) into a new SQLite store in dir (about 5 s), or
// skips when the shared data is absent.
func englandStore(tb testing.TB, dir string) *data.Store {
	tb.Helper()
	iod := sharedDataPath(tb, "iod2019_lsoa11", "iod2019_lsoa11_england.csv.gz")
	bgc := sharedDataPath(tb, "lsoa2011_boundaries", "lsoa2011_bgc_england_wgs84_6dp.geojson.gz")
	ctx := context.Background()
	s, err := data.Open(ctx, filepath.Join(dir, "england.db"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.IngestFiles(ctx, []string{iod, bgc}, data.IngestOptions{Geography: placeplan.LSOA2011}); err != nil {
		tb.Fatalf("ingest England: %v", err)
	}
	return s
}
