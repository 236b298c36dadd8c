// Package input reads the files placeplan is given into inputs: it
// decompresses .gz, expands .zip archives (keeping a shapefile's sidecars
// with it) and bounds what one input may hold. It knows no file format and
// no SQLite; data.ParseInput recognises what each input holds.
package input

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"placeplan"
)

// maxInputBytes bounds what one decompressed input may hold (4 GiB), so a
// hostile archive cannot exhaust memory.
const maxInputBytes = 4 << 30

// maxDeflateRatio is the most deflate expands its input: a 258-byte match
// costs at least 2 bits, about 1032 to 1.
const maxDeflateRatio = 1032

// Input is one file to ingest, decompressed: its display name, its bytes,
// and for a shapefile the sidecar files (.shx, .dbf, .prj, .cpg) keyed by
// their lower-case extension.
type Input struct {
	Name       string
	Data       []byte
	Sidecars   map[string][]byte
	Provenance Provenance // where the file came from, when the caller knows better than the reader
}

// Provenance says who published a dataset, under which licence, and the
// attribution line that must travel with anything derived from it. Empty
// fields leave what the reader recognised.
type Provenance struct {
	Publisher   string
	Licence     string
	Attribution string
}

// Over returns p with the non-empty fields of q laid over it.
func (p Provenance) Over(q Provenance) Provenance {
	if q.Publisher != "" {
		p.Publisher = q.Publisher
	}
	if q.Licence != "" {
		p.Licence = q.Licence
	}
	if q.Attribution != "" {
		p.Attribution = q.Attribution
	}
	return p
}

// SHA256 returns the hex SHA-256 of the input's bytes.
func (in Input) SHA256() string {
	h := sha256.Sum256(in.Data)
	return hex.EncodeToString(h[:])
}

// OpenInputs reads the file at p, decompressing .gz and expanding .zip
// archives, and returns the inputs it holds. A shapefile (.shp) comes with
// its .shx, .dbf, .prj and .cpg sidecars, from beside it on disk or in the
// zip. The reader progress, if not nil, is told how many compressed bytes have
// been read.
func OpenInputs(p string, progress func(read, total int64)) ([]Input, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %w", p, unwrapPathError(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %w", p, err)
	}
	if st.IsDir() {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: is a directory, not a file", p)
	}
	var r io.Reader = f
	if progress != nil {
		r = &progressReader{r: f, total: st.Size(), report: progress}
	}
	buf := bytes.NewBuffer(make([]byte, 0, st.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(r, maxInputBytes+1)); err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %w", p, err)
	}
	raw := buf.Bytes()
	name := filepath.Base(p)
	ins, err := expand(name, raw)
	if err != nil {
		return nil, err
	}
	// A plain .shp on disk: pick up its sidecars.
	for i := range ins {
		if strings.EqualFold(path.Ext(ins[i].Name), ".shp") && ins[i].Sidecars == nil && len(ins) == 1 {
			ins[i].Sidecars = map[string][]byte{}
			base := strings.TrimSuffix(p, filepath.Ext(p))
			for _, ext := range []string{".shx", ".dbf", ".prj", ".cpg"} {
				for _, cand := range []string{base + ext, base + strings.ToUpper(ext)} {
					if b, err := os.ReadFile(cand); err == nil {
						ins[i].Sidecars[ext] = b
						break
					}
				}
			}
		}
	}
	return ins, nil
}

// ReadInputs is OpenInputs over bytes already in memory, named name.
func ReadInputs(name string, r io.Reader) ([]Input, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %w", name, err)
	}
	return expand(name, raw)
}

func expand(name string, raw []byte) ([]Input, error) {
	if len(raw) > maxInputBytes {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: larger than 4 GiB", name)
	}
	switch {
	case len(raw) >= 2 && raw[0] == 0x1f && raw[1] == 0x8b:
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: bad gzip data: %w", name, err)
		}
		// The gzip trailer holds the uncompressed size (mod 4 GiB): size the
		// buffer once instead of growing it by doubling — if deflate could
		// reach that size from these bytes at all, since a trailer can lie
		// (30 bytes claiming 4 GiB).
		var buf bytes.Buffer
		if n := len(raw); n >= 8 {
			if size := int(binary.LittleEndian.Uint32(raw[n-4:])); size < maxInputBytes && size/maxDeflateRatio <= n {
				buf.Grow(size + bytes.MinRead)
			}
		}
		_, err = buf.ReadFrom(io.LimitReader(zr, maxInputBytes+1))
		data := buf.Bytes()
		if err != nil {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: bad gzip data: %w", name, err)
		}
		inner := strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".GZ")
		return expand(inner, data)
	case len(raw) >= 4 && string(raw[:4]) == "PK\x03\x04":
		return expandZip(name, raw)
	}
	return []Input{{Name: name, Data: raw}}, nil
}

// expandZip returns each member of a zip archive as an input, grouping a
// shapefile's parts into one input.
func expandZip(name string, raw []byte) ([]Input, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: bad zip archive: %w", name, err)
	}
	members := map[string][]byte{}
	var order []string
	var total int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || strings.HasPrefix(f.Name, "__MACOSX/") || strings.HasPrefix(path.Base(f.Name), ".") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %s: damaged zip archive: %w", name, f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxInputBytes-total+1))
		rc.Close()
		if err != nil {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %s: damaged zip archive: %w", name, f.Name, err)
		}
		total += int64(len(b))
		if total > maxInputBytes {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: expands to more than 4 GiB", name)
		}
		members[f.Name] = b
		order = append(order, f.Name)
	}
	sort.Strings(order)
	var out []Input
	used := map[string]bool{}
	for _, m := range order {
		if !strings.EqualFold(path.Ext(m), ".shp") {
			continue
		}
		base := strings.TrimSuffix(m, path.Ext(m))
		in := Input{Name: name + "/" + m, Data: members[m], Sidecars: map[string][]byte{}}
		used[m] = true
		for _, o := range order {
			if strings.EqualFold(strings.TrimSuffix(o, path.Ext(o)), base) && o != m {
				in.Sidecars[strings.ToLower(path.Ext(o))] = members[o]
				used[o] = true
			}
		}
		out = append(out, in)
	}
	for _, m := range order {
		if used[m] {
			continue
		}
		switch strings.ToLower(path.Ext(m)) {
		case ".shx", ".dbf", ".prj", ".cpg", ".xml", ".txt", ".pdf", ".md", ".sbn", ".sbx", ".qmd", ".qix":
			continue // sidecars of nothing, or documentation
		}
		sub, err := expand(name+"/"+m, members[m])
		if err != nil {
			return nil, err
		}
		out = append(out, sub...)
	}
	if len(out) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: zip archive holds no file placeplan can read", name)
	}
	return out, nil
}

type progressReader struct {
	r      io.Reader
	read   int64
	total  int64
	report func(read, total int64)
}

// Read reads from the underlying reader and reports the bytes read so far.
func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	p.report(p.read, p.total)
	return n, err
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// ReadPath opens the file at path, decompresses it when it is gzipped (or
// takes the first file of a zip), and reads it with read — a reader such
// as table.ReadCandidatesCSV — naming the file in a not-found error.
func ReadPath[T any](path string, read func(name string, r io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, placeplan.Errorf(placeplan.ENOTFOUND, "%s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	ins, err := ReadInputs(path, f)
	if err != nil {
		return zero, err
	}
	return read(ins[0].Name, bytes.NewReader(ins[0].Data))
}
