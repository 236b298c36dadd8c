package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestProgressPrinterConcurrent: IngestFiles reads two files at once, so
// the progress printer is called from two goroutines; it must serialise
// its own state and its writes (go test -race; out is deliberately not
// safe for concurrent use).
func TestProgressPrinterConcurrent(t *testing.T) {
	var out bytes.Buffer
	progress := progressPrinter(&out)
	var wg sync.WaitGroup
	for f := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for read := int64(0); read <= 10<<20; read += 1 << 18 {
				progress(fmt.Sprintf("file%d.csv", f), read, 10<<20)
			}
		}()
	}
	wg.Wait()
	for f := range 2 {
		if n := strings.Count(out.String(), fmt.Sprintf("reading file%d.csv:", f)); n != 11 {
			t.Errorf("file%d.csv: %d progress lines, want 11 (0 %% to 100 %%):\n%s", f, n, out.String())
		}
	}
}
