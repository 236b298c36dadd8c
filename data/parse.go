package data

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"placeplan"
	"placeplan/data/feature"
	"placeplan/data/geojson"
	"placeplan/data/geopackage"
	"placeplan/data/input"
	"placeplan/data/iod"
	"placeplan/data/record"
	"placeplan/data/shapefile"
	"placeplan/data/table"
	"placeplan/geo"
)

// IngestOptions are the choices a user can make about an ingest.
type IngestOptions struct {
	// CRS is used for vector files that do not say which CRS they are in.
	CRS geo.CRS
	// Geography decides indicator CSVs whose codes exist in both vintages.
	Geography placeplan.Geography
	// Layer names the point layer (by default, the file name).
	Layer string
	// Provenance, where set, overrides what readers assume of every file's
	// publisher, licence and attribution.
	Provenance input.Provenance
	// Progress, if set, is told how far through each file reading is.
	Progress func(file string, read, total int64)
	// By, when named, is recorded in the audit trail as who ingested the
	// files, in the ingest's transaction.
	By placeplan.Actor
}

// Part is one parsed input, ready to be stored: Kind says what it holds,
// and the one field of that kind is set (an indicator CSV's table waits
// for its metadata until the whole ingest is parsed).
type Part struct {
	Input      string
	SHA256     string
	Provenance input.Provenance // overrides, from the input and the options
	Kind       placeplan.DatasetKind
	Indicators *record.IndicatorTable   // DatasetIoD and DatasetIndicators
	Meta       *record.IndicatorMeta    // DatasetIndicatorMeta
	Boundaries *record.BoundarySet      // DatasetBoundaries
	Points     *record.PointLayer       // DatasetPoints
	Lookup     *record.Lookup           // DatasetLookup
	MSOANames  *record.MSOANames        // DatasetMSOANames
	Centroids  *record.Centroids        // DatasetCentroids
	Localities *record.LocalityDefs     // DatasetLocalities, from a CSV
	LocPolys   *record.LocalityPolygons // DatasetLocalities, from polygons

	pending *table.Table // an indicator CSV waiting for its metadata
}

// ParseInput recognises an input by its content and reads it.
func ParseInput(in input.Input, opts IngestOptions) (*Part, error) {
	p := &Part{Input: in.Name, SHA256: in.SHA256(), Provenance: opts.Provenance.Over(in.Provenance)}
	data := bytes.TrimSpace(record.TrimBOM(in.Data))
	ext := strings.ToLower(path.Ext(in.Name))
	switch {
	case len(data) == 0:
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: empty file", in.Name)
	case ext == ".shp" || (len(in.Data) >= 4 && in.Data[0] == 0 && in.Data[1] == 0 && in.Data[2] == 0x27 && in.Data[3] == 0x0a):
		if in.Sidecars == nil || in.Sidecars[".dbf"] == nil {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: shapefile without its .dbf (attributes) beside it", in.Name)
		}
		fs, err := shapefile.Read(shapefile.Parts{SHP: bytes.NewReader(in.Data), SHX: optReader(in.Sidecars[".shx"]),
			DBF: bytes.NewReader(in.Sidecars[".dbf"]), PRJ: optReader(in.Sidecars[".prj"]), CPG: optReader(in.Sidecars[".cpg"])})
		if err != nil {
			return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", in.Name)
		}
		return p, p.fromFeatures(in.Name, fs, opts)
	case bytes.HasPrefix(in.Data, []byte("SQLite format 3\x00")):
		fs, err := geopackage.Read(bytes.NewReader(in.Data), opts.Layer)
		if err != nil {
			return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", in.Name)
		}
		return p, p.fromFeatures(in.Name, fs, opts)
	case data[0] == '{':
		fs, err := geojson.Read(bytes.NewReader(data))
		if err != nil {
			return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", in.Name)
		}
		return p, p.fromFeatures(in.Name, fs, opts)
	case ext == ".xlsx" || ext == ".xls" || bytes.HasPrefix(in.Data, []byte("\xd0\xcf\x11\xe0")):
		return nil, placeplan.Errorf(placeplan.EUNSUPPORTED, "%s: a spreadsheet: save the sheet as CSV (UTF-8) and ingest that", in.Name)
	}
	t, err := table.Read(in.Name, in.Data)
	if err != nil {
		return nil, err
	}
	if p.Kind = classifyTable(t); p.Kind == "" {
		hint := ""
		if len(t.Header) == 1 && strings.ContainsAny(t.Header[0], ";\t") {
			// a spreadsheet's export where the list separator is ';', or tab-separated text
			hint = "; the header is one column holding semicolons or tabs: placeplan reads comma-separated files"
		}
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: not a file placeplan recognises: no LSOA code column and no coordinate columns (headers: %s)%s",
			in.Name, strings.Join(t.Header, ", "), hint)
	}
	switch p.Kind {
	case placeplan.DatasetIoD:
		p.Indicators, err = iod.FromTable(t)
	case placeplan.DatasetIndicatorMeta:
		p.Meta, err = table.IndicatorMeta(t)
	case placeplan.DatasetIndicators:
		p.pending = t
	case placeplan.DatasetPoints:
		p.Points, err = table.Points(t)
	case placeplan.DatasetLookup:
		p.Lookup, err = table.Lookup(t)
	case placeplan.DatasetMSOANames:
		p.MSOANames, err = table.MSOANames(t)
	case placeplan.DatasetCentroids:
		p.Centroids, err = table.Centroids(t)
	case placeplan.DatasetLocalities:
		p.Localities, err = table.Localities(t)
	}
	if err != nil {
		return nil, err
	}
	p.nameLayer(opts.Layer)
	return p, nil
}

// nameLayer stores a point layer under the name the options give, if any.
func (p *Part) nameLayer(layer string) {
	if p.Points == nil || layer == "" {
		return
	}
	p.Points.Layer = layer
	for i := range p.Points.Sites {
		p.Points.Sites[i].Layer = layer
	}
}

// fromFeatures decides whether a vector file holds LSOA boundaries,
// locality polygons or points.
func (p *Part) fromFeatures(name string, fs *feature.Set, opts IngestOptions) error {
	if len(fs.Features) == 0 {
		return placeplan.Errorf(placeplan.EINVALID, "%s: no features", name)
	}
	points, polys := 0, 0
	for _, f := range fs.Features {
		if f.Geometry == nil {
			continue
		}
		switch f.Geometry.GeoJSONType() {
		case "Point":
			points++
		case "Polygon", "MultiPolygon":
			polys++
		}
	}
	var err error
	switch {
	case points > 0 && polys == 0:
		p.Kind = placeplan.DatasetPoints
		p.Points, err = feature.Points(name, fs, opts.CRS)
		if err == nil {
			p.nameLayer(opts.Layer)
		}
	case polys > 0 && points == 0 && feature.PropKey(fs.Features[0].Properties, "locality") != "":
		p.Kind = placeplan.DatasetLocalities
		p.LocPolys, err = feature.Localities(name, fs, opts.CRS)
	case polys > 0 && points == 0:
		p.Kind = placeplan.DatasetBoundaries
		p.Boundaries, err = feature.Boundaries(name, fs, opts.CRS)
	default:
		err = placeplan.Errorf(placeplan.EINVALID, "%s: %d points and %d polygons: a layer must hold one or the other", name, points, polys)
	}
	return err
}

// resolvePending reads indicator CSVs now that every metadata file of the
// ingest is known: a metadata file named like the CSV (referrals.meta.csv)
// wins, else the union of all metadata files given.
func resolvePending(parts []*Part, fallback placeplan.Geography) error {
	union := &record.IndicatorMeta{Indicators: map[string]placeplan.Indicator{}}
	byName := map[string]*record.IndicatorMeta{}
	var names []string
	for _, p := range parts {
		if p.Meta == nil {
			continue
		}
		names = append(names, p.Input)
		byName[path.Base(p.Meta.Name)] = p.Meta
		for k, v := range p.Meta.Indicators {
			union.Indicators[k] = v
		}
	}
	union.Name = strings.Join(names, ", ")
	for _, p := range parts {
		if p.pending == nil {
			continue
		}
		meta := byName[table.MetaSidecarName(p.Input)]
		if meta == nil && len(names) > 0 {
			meta = union
		}
		it, err := table.Indicators(p.pending, meta, fallback)
		if err != nil {
			return err
		}
		p.Indicators, p.pending = it, nil
	}
	return nil
}

// Describe says in one line what a part holds.
func (p *Part) Describe() string {
	switch p.Kind {
	case placeplan.DatasetIoD, placeplan.DatasetIndicators:
		it := p.Indicators
		return fmt.Sprintf("%s: %s — %d areas × %d indicators", p.Input, it.Format, len(it.Areas), len(it.Indicators))
	case placeplan.DatasetIndicatorMeta:
		return fmt.Sprintf("%s: indicator metadata — %d indicators described", p.Input, len(p.Meta.Indicators))
	case placeplan.DatasetBoundaries:
		b := p.Boundaries
		return fmt.Sprintf("%s: %s boundaries of %s areas in %s — %d areas", p.Input, b.Format, b.Geography.Label(), b.SourceCRS, len(b.Areas))
	case placeplan.DatasetPoints:
		return fmt.Sprintf("%s: %s — %d sites in layer %q", p.Input, p.Points.Format, len(p.Points.Sites), p.Points.Layer)
	case placeplan.DatasetLookup:
		l := p.Lookup
		if len(l.Changes) > 0 {
			return fmt.Sprintf("%s: %s — %d rows", p.Input, l.Format, len(l.Changes))
		}
		return fmt.Sprintf("%s: %s (%s) — %d areas, %d MSOAs", p.Input, l.Format, l.Geography.Label(), len(l.Areas), len(l.MSOAs))
	case placeplan.DatasetMSOANames:
		return fmt.Sprintf("%s: House of Commons Library MSOA names (%s) — %d MSOAs", p.Input, p.MSOANames.Geography.Label(), len(p.MSOANames.MSOAs))
	case placeplan.DatasetCentroids:
		return fmt.Sprintf("%s: ONS population-weighted centroids (%s, British National Grid) — %d points", p.Input, p.Centroids.Geography.Label(), len(p.Centroids.Codes))
	case placeplan.DatasetLocalities:
		if p.LocPolys != nil {
			return fmt.Sprintf("%s: locality polygons — %d localities", p.Input, len(p.LocPolys.Names))
		}
		return fmt.Sprintf("%s: locality definitions — %d rows", p.Input, len(p.Localities.Rows))
	}
	return p.Input
}

// classifyTable decides what a CSV is from its headers, or "" when it is
// none of the kinds placeplan reads.
func classifyTable(t *table.Table) placeplan.DatasetKind {
	has := func(names ...string) bool { return t.Col(names...) >= 0 }
	switch {
	case table.IsLocalities(t):
		return placeplan.DatasetLocalities
	case table.LooksLikeMeta(t):
		return placeplan.DatasetIndicatorMeta
	case table.IsChanges(t):
		return placeplan.DatasetLookup
	case has("lsoa21cd") && has("x") && has("y") && !has("name"):
		return placeplan.DatasetCentroids
	case has("lsoa11cd", "lsoa21cd", "lsoa21 code") && (has("msoa11cd", "msoa21cd") || has("ltla24 code", "lad22cd", "lad19cd", "lad17cd", "lad24cd")) &&
		!iod.Recognise(t) && (has("msoa11cd", "msoa21cd") || has("ward24 code") || has("ccg21cd")):
		return placeplan.DatasetLookup
	case has("msoa11cd", "msoa21cd") && has("msoa11hclnm", "msoa21hclnm"):
		return placeplan.DatasetMSOANames
	case iod.Recognise(t):
		return placeplan.DatasetIoD
	}
	ids := table.FindIDColumns(t)
	if _, ok := table.FindPointColumns(t); ok && ids.Code < 0 {
		return placeplan.DatasetPoints
	}
	if ids.Code >= 0 {
		return placeplan.DatasetIndicators
	}
	return ""
}

// optReader returns a reader over b, or a nil interface when b is nil.
func optReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}
