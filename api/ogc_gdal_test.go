package api

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ogrinfo runs GDAL's ogrinfo with args and returns its output, failing
// the test if it fails or reports an error.
func ogrinfo(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ogrinfo", args...)
	// Loopback only: no proxy, no configuration from the environment.
	cmd.Env = append(os.Environ(), "no_proxy=*", "NO_PROXY=*", "GDAL_HTTP_TIMEOUT=30", "CPL_DEBUG=OFF")
	out, err := cmd.CombinedOutput()
	t.Logf("ogrinfo %s\n%s", strings.Join(args, " "), summarise(string(out)))
	if err != nil {
		t.Fatalf("ogrinfo %s: %v", strings.Join(args, " "), err)
	}
	if strings.Contains(string(out), "ERROR") {
		t.Errorf("ogrinfo %s reported an error", strings.Join(args, " "))
	}
	return string(out)
}

// summarise shortens ogrinfo's feature dumps for the test log.
func summarise(out string) string {
	lines := strings.Split(out, "\n")
	if len(lines) <= 40 {
		return out
	}
	return strings.Join(lines[:40], "\n") + "\n… " + strconv.Itoa(len(lines)-40) + " more lines"
}

// TestOGCWithGDAL reads the OGC API through a real client, GDAL's OAPIF
// driver, over a real listener: it must list the collections, report the
// features and fields, and read every feature by following next links.
func TestOGCWithGDAL(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("ogrinfo not found: install Debian's gdal-bin to test the OGC API with GDAL's OAPIF driver")
	}
	srv, logs := newServer(t, Config{Addr: "127.0.0.1:0"}, loadDefault(t))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	ds := "OAPIF:" + srv.URL() + "/ogc"

	t.Run("lists the collections", func(t *testing.T) {
		out := ogrinfo(t, "-ro", ds)
		// GDAL 3.6 prints "1: areas (title: Small areas) (Multi Polygon)".
		for _, want := range []string{`1: areas (\(title: Small areas\) )?\(Multi Polygon\)`,
			`2: localities (\(title: Localities\) )?\(Multi Polygon\)`, `3: sites (\(title: Sites\) )?\(Point\)`} {
			if !regexp.MustCompile(`(?m)^` + want + `$`).MatchString(out) {
				t.Errorf("ogrinfo does not list %s", want)
			}
		}
	})

	t.Run("summarises areas", func(t *testing.T) {
		out := ogrinfo(t, "-ro", "-al", "-so", ds, "areas")
		for _, want := range []string{"Feature Count: 708", "Extent: (-3.", "code: String", "name: String",
			"lad_code: String", "imd_decile: Integer", "imd_score: Real"} {
			if !strings.Contains(out, want) {
				t.Errorf("summary lacks %q", want)
			}
		}
	})

	// Paging at GDAL's default page size of 10: 71 requests for areas.
	for _, tc := range []struct {
		layer string
		want  int
	}{{"areas", 708}, {"localities", -1}, {"sites", -1}} {
		t.Run("reads every "+tc.layer+" feature", func(t *testing.T) {
			want := tc.want
			if want < 0 {
				page := getItems(t, srv.Handler(), "/ogc/collections/"+tc.layer+"/items?limit=1")
				want = page.NumberMatched
			}
			out := ogrinfo(t, "-ro", "-al", "-q", "-geom=SUMMARY", ds, tc.layer)
			got := len(regexp.MustCompile(`(?m)^OGRFeature\(`+tc.layer+`\):`).FindAllString(out, -1))
			if got != want || got == 0 {
				t.Errorf("ogrinfo read %d %s features, want %d", got, tc.layer, want)
			}
		})
	}

	t.Run("reads a bbox", func(t *testing.T) {
		out := ogrinfo(t, "-ro", "-al", "-q", "-geom=NO", "-spat", "-2.80", "52.68", "-2.70", "52.74", ds, "sites")
		if !strings.Contains(out, "name (String) = Shrewsbury") || strings.Contains(out, "Oswestry") {
			t.Errorf("sites near Shrewsbury:\n%s", out)
		}
		// The server filtered, not only GDAL.
		if !strings.Contains(logs.String(), `&bbox=-2.79999`) {
			t.Errorf("GDAL sent no bbox; log:\n%s", logs)
		}
	})

	// GDAL followed the next links to the last page of areas.
	if !strings.Contains(logs.String(), `"query":"limit=10&offset=700"`) {
		t.Errorf("GDAL never asked for the last page of areas (offset 700)")
	}
	if strings.Contains(logs.String(), `"status":4`) || strings.Contains(logs.String(), `"status":5`) {
		t.Errorf("GDAL's requests met errors:\n%s", logs)
	}
}
