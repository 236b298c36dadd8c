// Package shapefile reads ESRI Shapefiles — the .shp geometry, the .dbf
// attributes, the .prj CRS and the .cpg encoding, plain or zipped — into a
// feature.Set, following the ESRI Shapefile Technical Description (July
// 1998) and the dBASE III/IV table layout as GDAL and ArcGIS write it.
package shapefile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data/feature"
	"placeplan/geo"
)

// The .shp is read record by record; the .shx index is not needed, but
// when given it must agree with the .shp record for record, as GDAL reads
// records where the .shx says they are.

// Shape types of the ESRI Shapefile Technical Description.
const (
	shpNull        = 0
	shpPoint       = 1
	shpPolyLine    = 3
	shpPolygon     = 5
	shpMultiPoint  = 8
	shpPointZ      = 11
	shpPolyLineZ   = 13
	shpPolygonZ    = 15
	shpMultiPointZ = 18
	shpPointM      = 21
	shpPolyLineM   = 23
	shpPolygonM    = 25
	shpMultiPointM = 28
	shpMultiPatch  = 31
)

const (
	shpFileCode    = 9994
	shpVersion     = 1000
	shpHeaderBytes = 100
	dbfHeaderBytes = 32

	maxPrjBytes = 1 << 20 // a .prj is a line of WKT
	maxCpgBytes = 1 << 10 // a .cpg is one encoding name
)

// shapeTypeName returns the specification's name of a shape type, or ""
// for a number the specification does not define.
func shapeTypeName(t int32) string {
	switch t {
	case shpNull:
		return "Null"
	case shpPoint:
		return "Point"
	case shpPolyLine:
		return "PolyLine"
	case shpPolygon:
		return "Polygon"
	case shpMultiPoint:
		return "MultiPoint"
	case shpPointZ:
		return "PointZ"
	case shpPolyLineZ:
		return "PolyLineZ"
	case shpPolygonZ:
		return "PolygonZ"
	case shpMultiPointZ:
		return "MultiPointZ"
	case shpPointM:
		return "PointM"
	case shpPolyLineM:
		return "PolyLineM"
	case shpPolygonM:
		return "PolygonM"
	case shpMultiPointM:
		return "MultiPointM"
	case shpMultiPatch:
		return "MultiPatch"
	}
	return ""
}

// checkShapeType returns an error unless placeplan reads shape type t.
// where prefixes the message ("shp" or "shp record 3").
func checkShapeType(where string, t int32) error {
	switch t {
	case shpNull, shpPoint, shpPointZ, shpPointM, shpMultiPoint, shpMultiPointZ, shpMultiPointM,
		shpPolygon, shpPolygonZ, shpPolygonM:
		return nil
	case shpPolyLine, shpPolyLineZ, shpPolyLineM, shpMultiPatch:
		return placeplan.Errorf(placeplan.EUNSUPPORTED,
			"%s: shape type %d (%s) is not supported: placeplan reads points and polygons", where, t, shapeTypeName(t))
	}
	return placeplan.Errorf(placeplan.EINVALID, "%s: unknown shape type %d", where, t)
}

// Parts are the files of one shapefile. SHP (the geometry) and DBF (the
// attribute table) are required; SHX (the record index), PRJ (the CRS as
// WKT) and CPG (the .dbf's character encoding) may be nil.
type Parts struct {
	SHP, SHX, DBF, PRJ, CPG io.Reader
}

// Read reads an ESRI Shapefile from its parts.
//
// It reads Null, Point, MultiPoint and Polygon shapes and their Z and M
// variants (dropping Z and M); PolyLine and MultiPatch files give an
// EUNSUPPORTED error. Polygon rings are grouped into orb.Polygon or
// orb.MultiPolygon, each hole going to the outer ring that contains it, and
// returned in RFC 7946 orientation (outer rings counter-clockwise, holes
// clockwise). Records deleted in the .dbf are skipped. Attribute values are
// string (C), int64 or float64 (N, F; blank is nil), bool (L) and
// "YYYY-MM-DD" strings (D). Text is UTF-8 when the .cpg says so and
// Windows-1252 otherwise.
//
// A file without a .prj has CRS geo.CRSUnknown; a .prj other than WGS84 or
// British National Grid gives an EUNSUPPORTED error. Malformed input gives an
// EINVALID error naming the file, the record and what is wrong, as does a
// .shx whose records are not where the .shp has them.
func Read(p Parts) (*feature.Set, error) {
	if p.SHP == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "shp: missing .shp file")
	}
	if p.DBF == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "dbf: missing .dbf file (a shapefile needs its .shp and .dbf)")
	}
	crs := geo.CRSUnknown
	if p.PRJ != nil {
		var err error
		if crs, err = readPrj(p.PRJ); err != nil {
			return nil, err
		}
	}
	enc := encodingWindows1252
	if p.CPG != nil {
		var err error
		if enc, err = readCpg(p.CPG); err != nil {
			return nil, err
		}
	}

	sr := bufio.NewReaderSize(p.SHP, 64<<10)
	fileLen, fileType, err := readShpHeader(sr, "shp")
	if err != nil {
		return nil, err
	}
	var index *shxIndex
	if p.SHX != nil {
		if index, err = readShx(p.SHX, fileLen, fileType); err != nil {
			return nil, err
		}
	}
	d, err := newDBFReader(p.DBF, enc)
	if err != nil {
		return nil, err
	}

	fs := &feature.Set{Format: "ESRI Shapefile", CRS: crs}
	var content bytes.Buffer
	offset := int64(shpHeaderBytes)
	n := int64(0) // .shp records read
	for offset < fileLen {
		n++
		contentLen, err := readShpRecord(sr, n, offset, fileLen, &content)
		if err != nil {
			return nil, err
		}
		if err := index.check(n, offset, contentLen); err != nil {
			return nil, err
		}
		offset += 8 + contentLen
		if n > d.numRecords {
			continue // only counted, for the mismatch error below
		}
		props, deleted, err := d.next(n)
		if err != nil {
			return nil, err
		}
		if deleted {
			continue
		}
		g, err := decodeShpRecord(content.Bytes(), n, fileType)
		if err != nil {
			return nil, err
		}
		fs.Features = append(fs.Features, feature.Feature{Properties: props, Geometry: g})
	}
	if index != nil && index.records() != n {
		return nil, placeplan.Errorf(placeplan.EINVALID,
			"record count mismatch: shp has %d records, shx has %d: the .shx belongs to another .shp", n, index.records())
	}
	if n != d.numRecords {
		return nil, placeplan.Errorf(placeplan.EINVALID,
			"record count mismatch: shp has %d records, dbf has %d", n, d.numRecords)
	}
	return fs, nil
}

// shxIndex is a .shx file's records: each an offset and a content length,
// in 16-bit words, big-endian.
type shxIndex struct{ entries []byte }

// readShx reads a .shx index and checks its header against the .shp's
// file length and shape type. A .shx holds 8 bytes a record, and a record
// takes at least 12 bytes of the .shp, which bounds what is read.
func readShx(r io.Reader, shpLen int64, shpType int32) (*shxIndex, error) {
	b, err := io.ReadAll(io.LimitReader(r, shpHeaderBytes+(shpLen-shpHeaderBytes)/12*8+1))
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "shx: %w", err)
	}
	fileLen, shapeType, err := readShpHeader(bytes.NewReader(b), "shx")
	if err != nil {
		return nil, err
	}
	switch {
	case shapeType != shpType:
		return nil, placeplan.Errorf(placeplan.EINVALID, "shx: shape type %d (%s), but the .shp's is %d (%s): the .shx belongs to another .shp",
			shapeType, shapeTypeName(shapeType), shpType, shapeTypeName(shpType))
	case fileLen != int64(len(b)):
		return nil, placeplan.Errorf(placeplan.EINVALID, "shx: header gives a file length of %d bytes, the file has %d", fileLen, len(b))
	case (fileLen-shpHeaderBytes)%8 != 0:
		return nil, placeplan.Errorf(placeplan.EINVALID, "shx: %d bytes after the header, not a whole number of 8-byte records", fileLen-shpHeaderBytes)
	}
	return &shxIndex{entries: b[shpHeaderBytes:]}, nil
}

// records returns the number of records the index holds.
func (x *shxIndex) records() int64 { return int64(len(x.entries) / 8) }

// check reports an error unless the index (if any) puts record n at
// offset with content length contentLen, both in bytes, as the .shp does.
func (x *shxIndex) check(n, offset, contentLen int64) error {
	if x == nil {
		return nil
	}
	if n > x.records() {
		return placeplan.Errorf(placeplan.EINVALID, "shx: %d records, the .shp has more: the .shx belongs to another .shp", x.records())
	}
	e := x.entries[(n-1)*8:]
	at, length := int64(binary.BigEndian.Uint32(e[0:4]))*2, int64(binary.BigEndian.Uint32(e[4:8]))*2
	if at != offset || length != contentLen {
		return placeplan.Errorf(placeplan.EINVALID,
			"shx record %d: offset %d, content length %d bytes; the .shp has record %d at offset %d, %d bytes: the .shx belongs to another .shp",
			n, at, length, n, offset, contentLen)
	}
	return nil
}

// readShpHeader reads the 100-byte header of a .shp or a .shx (which is
// "shp" or "shx", for messages) and returns the file length it gives, in
// bytes, and the file's shape type.
func readShpHeader(r io.Reader, which string) (fileLen int64, shapeType int32, err error) {
	var h [shpHeaderBytes]byte
	if n, err := io.ReadFull(r, h[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, 0, placeplan.Errorf(placeplan.EINVALID, "%s: %d bytes, shorter than the 100-byte header", which, n)
		}
		return 0, 0, placeplan.Errorf(placeplan.EINVALID, "%s: read header: %w", which, err)
	}
	if code := int32(binary.BigEndian.Uint32(h[0:4])); code != shpFileCode {
		return 0, 0, placeplan.Errorf(placeplan.EINVALID, "%s: file code %d, want %d: not a shapefile", which, code, shpFileCode)
	}
	if v := int32(binary.LittleEndian.Uint32(h[28:32])); v != shpVersion {
		return 0, 0, placeplan.Errorf(placeplan.EINVALID, "%s: version %d, want %d", which, v, shpVersion)
	}
	fileLen = int64(int32(binary.BigEndian.Uint32(h[24:28]))) * 2
	if fileLen < shpHeaderBytes {
		return 0, 0, placeplan.Errorf(placeplan.EINVALID,
			"%s: header gives a file length of %d bytes, less than the 100-byte header", which, fileLen)
	}
	shapeType = int32(binary.LittleEndian.Uint32(h[32:36]))
	if err := checkShapeType(which, shapeType); err != nil {
		return 0, 0, err
	}
	return fileLen, shapeType, nil
}

// readShpRecord reads record n (1-based), which starts at byte offset, into
// content and returns the content length in bytes. The buffer grows only as
// bytes arrive, so a lying length cannot make it allocate more than the
// file holds.
func readShpRecord(r io.Reader, n, offset, fileLen int64, content *bytes.Buffer) (int64, error) {
	var h [8]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, placeplan.Errorf(placeplan.EINVALID,
				"shp record %d: truncated: the header gives a file length of %d bytes but the file ends near byte %d",
				n, fileLen, offset)
		}
		return 0, placeplan.Errorf(placeplan.EINVALID, "shp record %d: %w", n, err)
	}
	contentLen := int64(int32(binary.BigEndian.Uint32(h[4:8]))) * 2
	switch {
	case contentLen < 4:
		return 0, placeplan.Errorf(placeplan.EINVALID, "shp record %d: content length %d bytes, need at least 4", n, contentLen)
	case offset+8+contentLen > fileLen:
		return 0, placeplan.Errorf(placeplan.EINVALID,
			"shp record %d: content length %d bytes runs past the file length of %d bytes given in the header",
			n, contentLen, fileLen)
	}
	content.Reset()
	got, err := io.CopyN(content, r, contentLen)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, placeplan.Errorf(placeplan.EINVALID,
				"shp record %d: truncated: content length %d bytes, file has %d", n, contentLen, got)
		}
		return 0, placeplan.Errorf(placeplan.EINVALID, "shp record %d: %w", n, err)
	}
	return contentLen, nil
}

// decodeShpRecord decodes the content of record n (shape type first) of a
// file whose shape type is fileType.
func decodeShpRecord(c []byte, n int64, fileType int32) (orb.Geometry, error) {
	t := int32(binary.LittleEndian.Uint32(c[0:4]))
	if t == shpNull {
		return nil, nil
	}
	where := fmt.Sprintf("shp record %d", n)
	if err := checkShapeType(where, t); err != nil {
		return nil, err
	}
	if t != fileType {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: shape type %d (%s) differs from the file's shape type %d (%s)",
			where, t, shapeTypeName(t), fileType, shapeTypeName(fileType))
	}
	switch t {
	case shpPoint, shpPointZ, shpPointM:
		if len(c) < 20 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %s content is %d bytes, need at least 20", where, shapeTypeName(t), len(c))
		}
		p := shpPoint2(c[4:20])
		if !feature.Finite(p) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: point is not finite", where)
		}
		return p, nil
	case shpMultiPoint, shpMultiPointZ, shpMultiPointM:
		return decodeShpMultiPoint(c, where)
	default: // shpPolygon, shpPolygonZ, shpPolygonM
		return decodeShpPolygon(c, where)
	}
}

// shpPoint2 reads a little-endian X, Y pair.
func shpPoint2(b []byte) orb.Point {
	return orb.Point{
		math.Float64frombits(binary.LittleEndian.Uint64(b[0:8])),
		math.Float64frombits(binary.LittleEndian.Uint64(b[8:16])),
	}
}

// decodeShpMultiPoint decodes a MultiPoint, MultiPointZ or MultiPointM
// record: box, point count, points (then Z and M arrays, ignored).
func decodeShpMultiPoint(c []byte, where string) (orb.Geometry, error) {
	if len(c) < 40 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: multipoint content is %d bytes, need at least 40", where, len(c))
	}
	numPoints := int64(int32(binary.LittleEndian.Uint32(c[36:40])))
	if numPoints < 0 || 40+16*numPoints > int64(len(c)) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %d points do not fit in %d bytes of content", where, numPoints, len(c))
	}
	if numPoints == 0 {
		return nil, nil
	}
	mp := make(orb.MultiPoint, numPoints)
	for i := range mp {
		mp[i] = shpPoint2(c[40+16*i:])
		if !feature.Finite(mp[i]) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: point %d is not finite", where, i+1)
		}
	}
	return mp, nil
}

// decodeShpPolygon decodes a Polygon, PolygonZ or PolygonM record: box,
// part and point counts, the index of each part's first point, points (then
// Z and M arrays, ignored).
func decodeShpPolygon(c []byte, where string) (orb.Geometry, error) {
	if len(c) < 44 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: polygon content is %d bytes, need at least 44", where, len(c))
	}
	numParts := int64(int32(binary.LittleEndian.Uint32(c[36:40])))
	numPoints := int64(int32(binary.LittleEndian.Uint32(c[40:44])))
	switch {
	case numParts < 0 || numPoints < 0:
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: negative part or point count (%d parts, %d points)", where, numParts, numPoints)
	case 44+4*numParts+16*numPoints > int64(len(c)):
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %d parts and %d points do not fit in %d bytes of content",
			where, numParts, numPoints, len(c))
	case numParts == 0 && numPoints == 0:
		return nil, nil
	case numParts == 0:
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %d points but no parts", where, numPoints)
	}
	starts := make([]int64, numParts+1)
	for i := range numParts {
		starts[i] = int64(int32(binary.LittleEndian.Uint32(c[44+4*i:])))
	}
	starts[numParts] = numPoints
	if starts[0] != 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: ring 1 starts at point %d, want 0", where, starts[0])
	}
	for k := int64(1); k < numParts; k++ {
		if starts[k] < starts[k-1] || starts[k] > numPoints {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: ring %d starts at point %d, want %d to %d",
				where, k+1, starts[k], starts[k-1], numPoints)
		}
	}
	pointsAt := 44 + 4*numParts
	rings := make([]orb.Ring, numParts)
	for i := range numParts {
		start, end := starts[i], starts[i+1]
		count := end - start
		ring := make(orb.Ring, count, count+1)
		for j := range count {
			ring[j] = shpPoint2(c[pointsAt+16*(start+j):])
			if !feature.Finite(ring[j]) {
				return nil, placeplan.Errorf(placeplan.EINVALID, "%s: ring %d point %d is not finite", where, i+1, j+1)
			}
		}
		if count > 0 && ring[0] != ring[count-1] {
			ring = append(ring, ring[0]) // close it, as readers commonly do
		}
		if len(ring) < 4 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: ring %d has %d points, need at least 4", where, i+1, count)
		}
		rings[i] = ring
	}
	return assemblePolygons(rings), nil
}

// assemblePolygons groups shapefile rings (outer rings clockwise, holes
// counter-clockwise) into a Polygon, or a MultiPolygon when there are
// several outer rings, in RFC 7946 orientation. Each hole goes to the
// smallest outer ring that contains it; a hole no outer ring contains
// becomes an outer ring of its own.
func assemblePolygons(rings []orb.Ring) orb.Geometry {
	type outer struct {
		poly  orb.Polygon
		bound orb.Bound
		area  float64 // absolute
	}
	var outers []outer
	var holes []orb.Ring
	for _, r := range rings {
		a := feature.RingArea2(r)
		if a > 0 { // counter-clockwise: a hole
			holes = append(holes, r)
			continue
		}
		r.Reverse() // to counter-clockwise
		outers = append(outers, outer{poly: orb.Polygon{r}, bound: r.Bound(), area: -a})
	}
	var orphans []orb.Ring
	for _, h := range holes {
		hb := h.Bound()
		best := -1
		for i, o := range outers {
			if !o.bound.Contains(hb.Min) || !o.bound.Contains(hb.Max) {
				continue
			}
			if (best < 0 || o.area < outers[best].area) && ringInsideRing(h, o.poly[0]) {
				best = i
			}
		}
		if best < 0 {
			orphans = append(orphans, h) // already counter-clockwise
			continue
		}
		h.Reverse() // to clockwise
		outers[best].poly = append(outers[best].poly, h)
	}
	polys := make(orb.MultiPolygon, 0, len(outers)+len(orphans))
	for _, o := range outers {
		polys = append(polys, o.poly)
	}
	for _, h := range orphans {
		polys = append(polys, orb.Polygon{h})
	}
	if len(polys) == 1 {
		return polys[0]
	}
	return polys
}

// ringInsideRing reports whether ring h lies inside ring o, judged by the
// first vertex of h that is not on o's boundary.
func ringInsideRing(h, o orb.Ring) bool {
	for _, p := range h {
		switch pointInRing(p, o) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	return true // every vertex on the boundary: a degenerate hole
}

// pointInRing returns 1 when p is inside the closed ring r, -1 when it is
// outside and 0 when it lies on r's boundary (even–odd rule).
func pointInRing(p orb.Point, r orb.Ring) int {
	inside := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[j], r[i]
		// on the segment a–b?
		if (b[0]-a[0])*(p[1]-a[1])-(p[0]-a[0])*(b[1]-a[1]) == 0 &&
			math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
			math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1]) {
			return 0
		}
		if (a[1] > p[1]) != (b[1] > p[1]) &&
			p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			inside = !inside
		}
	}
	if inside {
		return 1
	}
	return -1
}

// readPrj reads a .prj and recognises its CRS.
func readPrj(r io.Reader) (geo.CRS, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxPrjBytes+1))
	switch {
	case err != nil:
		return geo.CRSUnknown, placeplan.Errorf(placeplan.EINVALID, "prj: %w", err)
	case len(b) > maxPrjBytes:
		return geo.CRSUnknown, placeplan.Errorf(placeplan.EINVALID, "prj: longer than %d bytes: not a projection file", maxPrjBytes)
	}
	wkt := strings.TrimSpace(strings.TrimPrefix(string(b), "\uFEFF"))
	if wkt == "" {
		return geo.CRSUnknown, nil
	}
	return feature.CRSFromWKT("prj", wkt)
}

// textEncoding is the character encoding of a .dbf's text.
type textEncoding int

const (
	encodingWindows1252 textEncoding = iota // also read for ISO-8859-1 (Latin-1)
	encodingUTF8
)

// readCpg reads a .cpg (code page) file. An empty file means the default,
// Windows-1252.
func readCpg(r io.Reader) (textEncoding, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxCpgBytes+1))
	switch {
	case err != nil:
		return 0, placeplan.Errorf(placeplan.EINVALID, "cpg: %w", err)
	case len(b) > maxCpgBytes:
		return 0, placeplan.Errorf(placeplan.EINVALID, "cpg: longer than %d bytes: not a code page file", maxCpgBytes)
	}
	name := strings.TrimSpace(strings.TrimPrefix(string(b), "\uFEFF"))
	key := strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToUpper(name))
	switch key {
	case "UTF8", "65001":
		return encodingUTF8, nil
	case "", "1252", "CP1252", "WINDOWS1252", "ANSI1252", "LDID/87", "88591", "ISO88591", "LATIN1", "28591", "ISO885915", "LATIN9":
		// Latin-9 differs from 1252 in eight rarely used letters; read it as 1252.
		return encodingWindows1252, nil
	}
	if !utf8.ValidString(name) || len(name) > 40 {
		return 0, placeplan.Errorf(placeplan.EINVALID, "cpg: not a code page file")
	}
	return 0, placeplan.Errorf(placeplan.EUNSUPPORTED,
		"cpg: encoding %q is not supported: placeplan reads UTF-8 and Windows-1252 (Latin-1)", name)
}

// windows1252 maps bytes 0x80–0x9F of Windows-1252 to Unicode. The five
// bytes Windows-1252 leaves undefined map to the C1 control of the same
// value, as in Latin-1; so do all bytes 0xA0–0xFF, which equal Latin-1.
var windows1252 = [32]rune{
	'€', '\u0081', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u008D', 'Ž', '\u008F',
	'\u0090', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u009D', 'ž', 'Ÿ',
}

// decode returns b as a UTF-8 string.
func (e textEncoding) decode(b []byte) string {
	if e == encodingUTF8 {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2)
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xA0:
			sb.WriteRune(windows1252[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

// dbfField is one column of a .dbf table.
type dbfField struct {
	name     string
	typ      byte
	offset   int // in the record, after the deletion flag
	length   int
	decimals int
}

// dbfReader reads a .dbf table record by record.
type dbfReader struct {
	r          *bufio.Reader
	enc        textEncoding
	fields     []dbfField
	numRecords int64
	rec        []byte
}

// newDBFReader reads the .dbf header and field descriptors.
func newDBFReader(r io.Reader, enc textEncoding) (*dbfReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var h [dbfHeaderBytes]byte
	if n, err := io.ReadFull(br, h[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "dbf: %d bytes, shorter than the 32-byte header", n)
		}
		return nil, placeplan.Errorf(placeplan.EINVALID, "dbf: read header: %w", err)
	}
	numRecords := int64(binary.LittleEndian.Uint32(h[4:8]))
	headerLen := int(binary.LittleEndian.Uint16(h[8:10]))
	recordLen := int(binary.LittleEndian.Uint16(h[10:12]))
	if headerLen < dbfHeaderBytes+1 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "dbf: header length %d bytes, need at least 33", headerLen)
	}
	desc := make([]byte, headerLen-dbfHeaderBytes)
	if _, err := io.ReadFull(br, desc); err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "dbf: truncated in the field descriptors (header length %d bytes)", headerLen)
	}
	d := &dbfReader{r: br, enc: enc, numRecords: numRecords}
	seen := map[string]int{}
	offset := 1 // after the deletion flag
	for at := 0; ; at += 32 {
		if at < len(desc) && desc[at] == 0x0D {
			break
		}
		if at+32 > len(desc) {
			return nil, placeplan.Errorf(placeplan.EINVALID,
				"dbf: field descriptors not terminated by 0x0D within the %d-byte header", headerLen)
		}
		fd := desc[at : at+32]
		num := len(d.fields) + 1
		raw := fd[:11]
		if i := bytes.IndexByte(raw, 0); i >= 0 {
			raw = raw[:i]
		}
		f := dbfField{
			name:     strings.TrimSpace(enc.decode(raw)),
			typ:      fd[11],
			offset:   offset,
			length:   int(fd[16]),
			decimals: int(fd[17]),
		}
		if f.name == "" {
			return nil, placeplan.Errorf(placeplan.EINVALID, "dbf: field %d has no name", num)
		}
		switch f.typ {
		case 'C':
			// Clipper and FoxPro store text widths over 255 in the
			// decimal-count byte; GDAL reads them so.
			f.length += 256 * f.decimals
			f.decimals = 0
		case 'N', 'F', 'L', 'D':
		case 'M', 'B', 'G', 'P', 'I', 'Y', 'T', '@', 'O', '+', '0', 'V', 'W', 'Q':
			return nil, placeplan.Errorf(placeplan.EUNSUPPORTED,
				"dbf: field %d (%s): type '%c' is not supported: placeplan reads types C, N, F, L and D", num, f.name, f.typ)
		default:
			return nil, placeplan.Errorf(placeplan.EINVALID, "dbf: field %d (%s): bad type %s", num, f.name, quoteByte(f.typ))
		}
		if prev, dup := seen[f.name]; dup {
			return nil, placeplan.Errorf(placeplan.EINVALID, "dbf: field %d (%s): same name as field %d", num, f.name, prev)
		}
		seen[f.name] = num
		offset += f.length
		d.fields = append(d.fields, f)
	}
	if recordLen < offset {
		return nil, placeplan.Errorf(placeplan.EINVALID,
			"dbf: record length %d bytes is shorter than the deletion flag and fields (%d bytes)", recordLen, offset)
	}
	d.rec = make([]byte, recordLen)
	return d, nil
}

// quoteByte shows a type byte as 'X' when printable, else as 0x58.
func quoteByte(c byte) string {
	if c > 0x20 && c < 0x7F {
		return fmt.Sprintf("'%c'", c)
	}
	return fmt.Sprintf("0x%02X", c)
}

// next reads record n (1-based) and returns its values and whether it is
// marked deleted.
func (d *dbfReader) next(n int64) (map[string]any, bool, error) {
	if _, err := io.ReadFull(d.r, d.rec); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, false, placeplan.Errorf(placeplan.EINVALID,
				"dbf record %d: truncated (the header gives %d records)", n, d.numRecords)
		}
		return nil, false, placeplan.Errorf(placeplan.EINVALID, "dbf record %d: %w", n, err)
	}
	if d.rec[0] == '*' {
		return nil, true, nil
	}
	props := make(map[string]any, len(d.fields))
	for i, f := range d.fields {
		v, err := d.value(f, d.rec[f.offset:f.offset+f.length])
		if err != nil {
			return nil, false, placeplan.Errorf(placeplan.EINVALID, "dbf record %d: field %d (%s): %w", n, i+1, f.name, err)
		}
		props[f.name] = v
	}
	return props, false, nil
}

// value converts one field's bytes.
func (d *dbfReader) value(f dbfField, b []byte) (any, error) {
	if f.typ == 'C' {
		return d.enc.decode(bytes.TrimRight(b, " \x00")), nil
	}
	s := strings.TrimSpace(strings.TrimRight(string(b), "\x00"))
	switch f.typ {
	case 'N', 'F':
		if s == "" || strings.Trim(s, "*") == "" { // GDAL writes null numbers as asterisks
			return nil, nil
		}
		if f.decimals == 0 {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return i, nil
			}
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("bad number %q", s)
		}
		return x, nil
	case 'L':
		if s == "" {
			return nil, nil
		}
		switch s[0] {
		case 'T', 't', 'Y', 'y':
			return true, nil
		case 'F', 'f', 'N', 'n':
			return false, nil
		case '?':
			return nil, nil
		}
		return nil, fmt.Errorf("bad logical %q", s)
	default: // 'D'
		if s == "" || s == "00000000" {
			return nil, nil
		}
		t, err := time.Parse("20060102", s)
		if err != nil || len(s) != 8 {
			return nil, fmt.Errorf("bad date %q, want YYYYMMDD", s)
		}
		return t.Format(time.DateOnly), nil
	}
}

// ReadZip reads a zipped ESRI Shapefile: the archive must hold
// exactly one .shp (at any depth, any letter case), with its .dbf and
// optionally its .shx, .prj and .cpg beside it under the same base name. macOS
// metadata entries (__MACOSX/, ._*) are ignored. See Read.
func ReadZip(r io.ReaderAt, size int64) (*feature.Set, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "zip: %w", err)
	}
	var shps []*zip.File
	var names []string
	members := map[string]*zip.File{}
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		base := path.Base(name)
		if f.FileInfo().IsDir() || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(base, "._") {
			continue
		}
		names = append(names, f.Name)
		lower := strings.ToLower(name)
		members[lower] = f
		if path.Ext(lower) == ".shp" {
			shps = append(shps, f)
		}
	}
	switch len(shps) {
	case 0:
		sort.Strings(names)
		return nil, placeplan.Errorf(placeplan.EINVALID, "zip: no .shp file (members: %s)", feature.ListNames(names))
	case 1:
	default:
		var list []string
		for _, f := range shps {
			list = append(list, f.Name)
		}
		sort.Strings(list)
		return nil, placeplan.Errorf(placeplan.EINVALID, "zip: %d .shp files (%s): zip one shapefile at a time", len(shps), feature.ListNames(list))
	}
	stem := strings.TrimSuffix(strings.ToLower(strings.ReplaceAll(shps[0].Name, `\`, "/")), ".shp")
	open := func(ext string, required bool) (io.ReadCloser, error) {
		f := members[stem+ext]
		if f == nil {
			if required {
				return nil, placeplan.Errorf(placeplan.EINVALID, "zip: no %s file beside %s", ext, shps[0].Name)
			}
			return nil, nil
		}
		rc, err := f.Open()
		if err != nil {
			return nil, placeplan.Errorf(placeplan.EINVALID, "zip: %s: %w", f.Name, err)
		}
		return rc, nil
	}
	var p Parts
	for _, part := range []struct {
		ext      string
		required bool
		r        *io.Reader
	}{{".shp", true, &p.SHP}, {".shx", false, &p.SHX}, {".dbf", true, &p.DBF}, {".prj", false, &p.PRJ}, {".cpg", false, &p.CPG}} {
		rc, err := open(part.ext, part.required)
		if err != nil {
			return nil, err
		}
		if rc != nil {
			defer rc.Close()
			*part.r = rc
		}
	}
	return Read(p)
}
