package data

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"placeplan"
)

// defaultDB builds, once per test binary, a database file holding the
// embedded default dataset, for tests to copy.
var defaultDB = sync.OnceValues(func() ([]byte, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "placeplan-test")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "default.db")
	s, err := Open(ctx, p)
	if err != nil {
		return nil, err
	}
	if _, err := LoadDefault(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		return nil, err
	}
	return os.ReadFile(p)
})

// loadedStore returns a store on disk holding the embedded default dataset.
func loadedStore(t testing.TB) *Store {
	t.Helper()
	b, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "placeplan.db")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fingerprint hashes every row of every table, so a test can tell that a
// failed ingest left the database exactly as it was.
func fingerprint(t testing.TB, s *Store) string {
	t.Helper()
	ctx := context.Background()
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	h := sha256.New()
	for _, tb := range tables {
		r, err := s.db.QueryContext(ctx, "SELECT * FROM "+tb+" ORDER BY 1, 2")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		n := 0
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%s%v\n", tb, vals)
			n++
		}
		r.Close()
		fmt.Fprintf(h, "%s:%d\n", tb, n)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

const metaOK = "indicator,name,unit,direction,kind,denominator,confidential\n" +
	"referrals,Early help referrals,referrals,higher_is_worse,count,children,yes\n" +
	"absence,Persistent absence,proportion of pupils,higher_is_worse,rate,children,no\n"

const iodHeader = "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019)," +
	"Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\n"

// TestIngestRejects has one case per validation rule: each bad input is
// refused with an error that names the problem, and the database is left
// exactly as it was.
func TestIngestRejects(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		code  string
		want  string // a substring of the error
	}{
		{"unknown area code", map[string]string{"r.csv": "lsoa11cd,referrals\nE01028826,3\nE01999999,4\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, "r.csv line 3 column 1: unknown LSOA 2011 area code E01999999"},
		{"duplicate area code", map[string]string{"r.csv": "lsoa11cd,referrals\nE01028826,3\nE01028826,4\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, "r.csv line 3: duplicate area code E01028826 (first on line 2)"},
		{"malformed area code", map[string]string{"r.csv": "lsoa11cd,referrals\nE1028826,3\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, `r.csv line 2 column 1: "E1028826" is not an LSOA code`},
		{"empty area code", map[string]string{"r.csv": "lsoa11cd,referrals\n,3\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, "r.csv line 2 column 1: empty area code"},
		{"non-numeric value", map[string]string{"r.csv": "lsoa11cd,referrals\nE01028826,lots\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, `r.csv line 2 column 2 (referrals), area E01028826: "lots" is not a number`},
		{"negative count", map[string]string{"r.csv": "lsoa11cd,referrals\nE01028826,-2\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, "r.csv line 2 column 2 (referrals), area E01028826: negative count -2"},
		{"fractional count", map[string]string{"r.csv": "lsoa11cd,referrals\nE01028826,2.5\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, "area E01028826: count referrals = 2.5 is not a whole number"},
		{"proportion above one", map[string]string{"r.csv": "lsoa11cd,absence\nE01028826,1.4\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, "r.csv line 2 column 2 (absence), area E01028826: proportion 1.4 is above 1"},
		{"impossible decile", map[string]string{"iod.csv": iodHeader + "E01028826,Shropshire 027A,E06000051,Shropshire,20000,11\n"},
			placeplan.EINVALID, "decile 11 is impossible"},
		{"impossible rank", map[string]string{"iod.csv": iodHeader + "E01028826,Shropshire 027A,E06000051,Shropshire,40000,10\n"},
			placeplan.EINVALID, "rank 40000 is impossible (ranks run from 1 to 32844)"},
		{"mix of 2011 and 2021 codes", map[string]string{"r.csv": "area_code,referrals\nE01014141,3\nE01034751,4\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, "a mix of LSOA 2011 and 2021 codes: E01014141 (line 2) exists only in 2011, E01034751 (line 3) only in 2021"},
		{"2021 code in a 2011 file", map[string]string{"r.csv": "lsoa11cd,referrals\nE01028826,3\nE01034751,4\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, "1 codes that exist only in LSOA 2021, first E01034751 (line 3)"},
		{"BNG coordinates without a CRS", map[string]string{"b.geojson": `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"LSOA11CD":"E01028826"},"geometry":{"type":"Polygon","coordinates":[[[380000,304000],[381000,304000],[381000,305000],[380000,304000]]]}}]}`},
			placeplan.EINVALID, "look like British National Grid metres"},
		{"lon/lat in a file that says BNG", map[string]string{"b.geojson": `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:27700"}},"features":[{"type":"Feature","properties":{"LSOA11CD":"E01028826"},"geometry":{"type":"Polygon","coordinates":[[[-2.29,52.63],[-2.28,52.63],[-2.28,52.64],[-2.29,52.63]]]}}]}`},
			placeplan.EINVALID, "b.geojson feature 1, area E01028826: coordinates such as (-2.29, 52.63) look like longitude/latitude degrees, but the file is read as British National Grid metres"},
		{"lon/lat in easting and northing columns", map[string]string{"hubs.csv": "name,easting,northing\nOswestry hub,-3.05,52.86\n"},
			placeplan.EINVALID, `hubs.csv line 2: site "Oswestry hub": coordinates such as (-3.05, 52.86) look like longitude/latitude degrees`},
		{"unsupported CRS", map[string]string{"b.geojson": `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[]}`},
			placeplan.EUNSUPPORTED, `unsupported crs "urn:ogc:def:crs:EPSG::3857"`},
		{"empty file", map[string]string{"r.csv": ""}, placeplan.EINVALID, "r.csv: empty file"},
		{"header only", map[string]string{"r.csv": "lsoa11cd,referrals\n", "r.meta.csv": metaOK}, placeplan.EINVALID, "r.csv: no data rows after the header"},
		{"wrong number of fields", map[string]string{"r.csv": "lsoa11cd,referrals\nE01028826,3,9\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, "r.csv line 2: wrong number of fields"},
		{"bad quoting", map[string]string{"r.csv": "lsoa11cd,referrals\nE01028826,\"3\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, "r.csv line 2 column"},
		{"indicator CSV without metadata", map[string]string{"r.csv": "lsoa11cd,referrals\nE01028826,3\n"},
			placeplan.EINVALID, "r.csv: no indicator metadata: put r.meta.csv beside it"},
		{"indicator not described", map[string]string{"r.csv": "lsoa11cd,waiting_list\nE01028826,3\n", "r.meta.csv": metaOK},
			placeplan.EINVALID, `r.csv line 1 column 2: indicator "waiting_list" is not described in r.meta.csv`},
		{"bad direction", map[string]string{"r.csv": "lsoa11cd,referrals\nE01028826,3\n", "r.meta.csv": "indicator,name,unit,direction,kind,denominator\nreferrals,R,n,up,count,children\n"},
			placeplan.EINVALID, `r.meta.csv line 2 column 4 (direction), indicator referrals: "up" is not a direction`},
		{"bad kind", map[string]string{"r.csv": "lsoa11cd,referrals\nE01028826,3\n", "r.meta.csv": "indicator,name,unit,direction,kind,denominator\nreferrals,R,n,higher_is_worse,tally,children\n"},
			placeplan.EINVALID, `"tally" is not a kind`},
		{"unrecognised file", map[string]string{"x.csv": "colour,size\nred,3\n"}, placeplan.EINVALID, "x.csv line 1: not a file placeplan recognises"},
		{"corrupt gzip", map[string]string{"r.csv.gz": "\x1f\x8b\x08\x00garbage"}, placeplan.EINVALID, "r.csv.gz: bad gzip data"},
		{"spreadsheet", map[string]string{"r.xlsx": "PK\x03\x04"}, placeplan.EINVALID, "r.xlsx"},
		{"one bad file spoils the ingest", map[string]string{"towns2.csv": "name,lon,lat\nLudlow,-2.719,52.368\n",
			"r.csv": "lsoa11cd,referrals\nE01028826,3x\n", "r.meta.csv": metaOK}, placeplan.EINVALID, `"3x" is not a number`},
		{"locality with an unknown MSOA name", map[string]string{"l.csv": "scheme,locality,msoa_name\nS,Nowhere,Atlantis Central\n"},
			placeplan.EINVALID, `l.csv line 2, locality "Nowhere": MSOA name Atlantis Central matches no loaded area`},
		{"area in two localities of a scheme", map[string]string{"l.csv": "scheme,locality,code\nS,A,E02006024\nS,B,E01028826\nS,B,E02006024\n"},
			placeplan.EINVALID, `is in both "A" and "B" of "S"`},
		{"duplicate site id", map[string]string{"hubs.csv": "id,name,lon,lat\nH1,Oswestry hub,-3.05,52.86\nH1,Ludlow hub,-2.72,52.37\n"},
			placeplan.EINVALID, `hubs.csv line 3: duplicate site id "H1" (first on line 2)`},
		{"site outside lon/lat range", map[string]string{"hubs.csv": "id,name,lon,lat\nH1,Oswestry hub,-3.05,252.86\n"},
			placeplan.EINVALID, "outside longitude/latitude range"},
		{"negative capacity", map[string]string{"hubs.csv": "id,name,lon,lat,capacity\nH1,Oswestry hub,-3.05,52.86,-4\n"},
			placeplan.EINVALID, "hubs.csv line 2 column 5 (capacity): negative capacity -4"},
		{"site without coordinates", map[string]string{"hubs.csv": "id,name,lon,lat\nH1,Oswestry hub,,\n"},
			placeplan.EINVALID, `hubs.csv line 2: site "Oswestry hub" has no coordinates`},
		{"MSOA boundaries", map[string]string{"m.geojson": `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"MSOA11CD":"E02006024"},"geometry":{"type":"Polygon","coordinates":[[[-3,52],[-3.1,52],[-3.1,52.1],[-3,52]]]}}]}`},
			placeplan.EUNSUPPORTED, "boundaries of MSOAs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := loadedStore(t)
			before := fingerprint(t, s)
			dir := t.TempDir()
			var paths []string
			for name, body := range c.files {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				if !strings.HasSuffix(name, ".meta.csv") {
					paths = append(paths, p)
				}
			}
			_, err := s.IngestFiles(context.Background(), paths, IngestOptions{})
			if err == nil {
				t.Fatal("ingest succeeded")
			}
			var pe *placeplan.Error
			if !errors.As(err, &pe) || placeplan.ErrorCode(err) != c.code {
				t.Errorf("error %q has code %q, want %q", err, placeplan.ErrorCode(err), c.code)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\ndoes not say %q", err, c.want)
			}
			if after := fingerprint(t, s); after != before {
				t.Error("the failed ingest changed the database")
			}
		})
	}
}

// TestIngestAccepts checks the forms real files come in: byte-order marks,
// CRLF line ends, quoted fields, gzip, zip, and warnings for areas missing
// from a layer.
func TestIngestAccepts(t *testing.T) {
	s := loadedStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	csvBody := "\ufeff\"lsoa11cd\",\"referrals\",\"absence\"\r\n\"E01028826\",\"3\",\"0.12\"\r\n\"E01028827\",\"c\",\"0.2\"\r\n"
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := write("early_help.csv.gz", gz(csvBody))
	write("early_help.meta.csv", metaOK)
	rev0, _ := s.Revision(ctx)
	rep, err := s.IngestFiles(ctx, []string{p}, IngestOptions{By: placeplan.Actor{Name: "cli:asha"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Revision != rev0+1 {
		t.Errorf("revision %d, want %d", rep.Revision, rev0+1)
	}
	trail, err := s.Audit(ctx, time.Time{})
	if err != nil || len(trail) != 1 || trail[0].Actor != "cli:asha" || trail[0].Action != placeplan.AuditIngest ||
		trail[0].Target != fmt.Sprintf("data revision %d", rep.Revision) || !strings.Contains(trail[0].Detail, "early_help.csv: indicator CSV") {
		t.Errorf("audit trail of the ingest: %+v, %v", trail, err)
	}
	if !strings.Contains(strings.Join(rep.Loaded, "\n"), "early_help.csv: indicator CSV (LSOA 2011) — 2 areas × 2 indicators") {
		t.Errorf("loaded %q", rep.Loaded)
	}
	warned := false
	for _, w := range rep.Warnings {
		if strings.Contains(w, "early_help.csv: 191 of the 193 loaded LSOA 2011 areas in its districts have no row in it") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning about the Shropshire areas missing from the file: %q", rep.Warnings)
	}
	inds, err := s.Indicators(ctx, placeplan.LSOA2011)
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range inds {
		if ind.Key != "referrals" {
			continue
		}
		if !ind.Confidential || ind.Kind != placeplan.KindCount || ind.Denominator != placeplan.PopChildren {
			t.Errorf("referrals: %+v", ind)
		}
		vals, _ := s.Values(ctx, ind.ID)
		// "c" (suppressed at source) is a missing value, not an error.
		if len(vals) != 1 || vals[0].Area != "E01028826" || vals[0].Value != 3 {
			t.Errorf("referrals values %+v", vals)
		}
	}
}

// TestIngestValidatesBeforeWriting shows that ingest is one pass: every
// file, an indicator CSV included, is read and validated before the write
// transaction opens. With another connection holding the database's write
// lock, a bad indicator CSV is refused at once, naming its line, instead
// of waiting for the lock (10 s) as it did when the CSV was read inside
// the transaction.
func TestIngestValidatesBeforeWriting(t *testing.T) {
	s := loadedStore(t)
	ctx := context.Background()
	other, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	dir := t.TempDir()
	csv := filepath.Join(dir, "r.csv")
	os.WriteFile(csv, []byte("lsoa11cd,referrals\nE01028826,3\nE01028827,lots\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "r.meta.csv"), []byte(metaOK), 0o644)
	start := time.Now()
	_, err = s.IngestFiles(ctx, []string{csv}, IngestOptions{})
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the ingest waited %v for the write lock before reading the CSV", took)
	}
	if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), `r.csv line 3 column 2 (referrals), area E01028827: "lots" is not a number`) {
		t.Fatalf("error %v, want the CSV's problem", err)
	}
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(csv, []byte("lsoa11cd,referrals\nE01028826,3\nE01028827,4\n"), 0o644)
	rep, err := s.IngestFiles(ctx, []string{csv}, IngestOptions{})
	if err != nil || !strings.Contains(strings.Join(rep.Loaded, "\n"), "r.csv: indicator CSV (LSOA 2011) — 2 areas × 1 indicators") {
		t.Fatalf("once the lock is released: %v, %v", rep, err)
	}
}
