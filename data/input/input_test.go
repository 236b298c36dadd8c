package input

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"runtime"
	"testing"

	"placeplan"
)

// gzipOf returns b gzipped.
func gzipOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGzipLyingTrailer: the trailer's uncompressed size sizes the buffer
// only where deflate could reach it. A 30-byte file claiming almost 4 GiB
// used to allocate it all (seconds, and 4 GiB of memory, per file) before
// the checksum refused it.
func TestGzipLyingTrailer(t *testing.T) {
	raw := gzipOf(t, []byte("lsoa11cd,referrals\nE01028826,3\n"))
	binary.LittleEndian.PutUint32(raw[len(raw)-4:], 0xfffffff0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadInputs("r.csv.gz", bytes.NewReader(raw))
	runtime.ReadMemStats(&after)
	if placeplan.ErrorCode(err) != placeplan.EINVALID {
		t.Fatalf("error %v, want EINVALID", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("allocated %d bytes for a %d-byte file", got, len(raw))
	}

	// A true size is still used: the buffer is allocated once, not grown
	// by doubling.
	body := bytes.Repeat([]byte("E01028826,3\n"), 1<<15)
	ins, err := ReadInputs("r.csv.gz", bytes.NewReader(gzipOf(t, body)))
	if err != nil || len(ins) != 1 || !bytes.Equal(ins[0].Data, body) || cap(ins[0].Data) > len(body)*9/8 {
		t.Fatalf("ReadInputs = %d inputs (cap %d for %d bytes), %v", len(ins), cap(ins[0].Data), len(body), err)
	}
}
