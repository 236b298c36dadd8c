package data

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"placeplan"
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
	Provenance Provenance
	// Progress, if set, is told how far through each file reading is.
	Progress func(file string, read, total int64)
}

// Part is one parsed input, ready to be stored. Exactly one field is set.
type Part struct {
	Input      string
	SHA256     string
	Provenance Provenance // overrides, from the input and the options
	Indicators *IndicatorTable
	Meta       *IndicatorMeta
	Boundaries *BoundarySet
	Points     *PointLayer
	Lookup     *Lookup
	MSOANames  *MSOANames
	Centroids  *Centroids
	Localities *LocalityDefs
	LocPolys   *LocalityPolygons

	pending *table // an indicator CSV waiting for its metadata
}

// Kind says what the part holds, in words.
func (p *Part) Kind() string {
	switch {
	case p.Indicators != nil && p.Indicators.Kind == "iod":
		return "iod"
	case p.Indicators != nil || p.pending != nil:
		return "indicators"
	case p.Meta != nil:
		return "indicator metadata"
	case p.Boundaries != nil:
		return "boundaries"
	case p.Points != nil:
		return "points"
	case p.Lookup != nil:
		return "lookup"
	case p.MSOANames != nil:
		return "msoa names"
	case p.Centroids != nil:
		return "centroids"
	case p.Localities != nil, p.LocPolys != nil:
		return "localities"
	}
	return "unknown"
}

// ParseInput recognises an input by its content and reads it.
func ParseInput(in Input, opts IngestOptions) (*Part, error) {
	p := &Part{Input: in.Name, SHA256: in.SHA256(), Provenance: opts.Provenance.over(in.Provenance)}
	data := bytes.TrimSpace(trimBOM(in.Data))
	ext := strings.ToLower(path.Ext(in.Name))
	switch {
	case len(data) == 0:
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: empty file", in.Name)
	case ext == ".shp" || (len(in.Data) >= 4 && in.Data[0] == 0 && in.Data[1] == 0 && in.Data[2] == 0x27 && in.Data[3] == 0x0a):
		if in.Sidecars == nil || in.Sidecars[".dbf"] == nil {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: shapefile without its .dbf (attributes) beside it", in.Name)
		}
		fs, err := ReadShapefile(bytes.NewReader(in.Data), bytes.NewReader(in.Sidecars[".dbf"]),
			optReader(in.Sidecars[".prj"]), optReader(in.Sidecars[".cpg"]))
		if err != nil {
			return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", in.Name)
		}
		return p, p.fromFeatures(in.Name, fs, opts)
	case bytes.HasPrefix(in.Data, []byte("SQLite format 3\x00")):
		fs, err := ReadGeoPackage(bytes.NewReader(in.Data), opts.Layer)
		if err != nil {
			return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", in.Name)
		}
		return p, p.fromFeatures(in.Name, fs, opts)
	case data[0] == '{':
		fs, err := ReadGeoJSON(bytes.NewReader(data))
		if err != nil {
			return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", in.Name)
		}
		return p, p.fromFeatures(in.Name, fs, opts)
	case ext == ".xlsx" || ext == ".xls" || bytes.HasPrefix(in.Data, []byte("\xd0\xcf\x11\xe0")):
		return nil, placeplan.Errorf(placeplan.EUNSUPPORTED, "%s: a spreadsheet: save the sheet as CSV (UTF-8) and ingest that", in.Name)
	}
	t, err := readTable(in.Name, in.Data)
	if err != nil {
		return nil, err
	}
	switch kind := classifyTable(t); kind {
	case "iod":
		p.Indicators, err = readIoDTable(t)
	case "meta":
		p.Meta, err = readMetaTable(t)
	case "indicators":
		p.pending = t
	case "points":
		p.Points, err = readPointsTable(t)
		if err == nil && opts.Layer != "" {
			p.Points.Layer = opts.Layer
			for i := range p.Points.Sites {
				p.Points.Sites[i].Layer = opts.Layer
			}
		}
	case "lookup", "changes":
		p.Lookup, err = readLookupTable(t)
	case "msoa names":
		p.MSOANames, err = readMSOANamesTable(t)
	case "centroids":
		p.Centroids, err = readCentroidsTable(t)
	case "localities":
		p.Localities, err = readLocalityTable(t)
	default:
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: not a file placeplan recognises: no LSOA code column and no coordinate columns (headers: %s)",
			in.Name, strings.Join(t.header, ", "))
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// fromFeatures decides whether a vector file holds LSOA boundaries,
// locality polygons or points.
func (p *Part) fromFeatures(name string, fs *FeatureSet, opts IngestOptions) error {
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
		p.Points, err = PointsFromFeatures(name, fs, opts.CRS)
		if err == nil && opts.Layer != "" {
			p.Points.Layer = opts.Layer
			for i := range p.Points.Sites {
				p.Points.Sites[i].Layer = opts.Layer
			}
		}
	case polys > 0 && points == 0:
		props := fs.Features[0].Properties
		if propKey(props, "locality") != "" {
			p.LocPolys, err = LocalitiesFromPolygons(name, fs, opts.CRS)
		} else {
			p.Boundaries, err = Boundaries(name, fs, opts.CRS)
		}
	default:
		err = placeplan.Errorf(placeplan.EINVALID, "%s: %d points and %d polygons: a layer must hold one or the other", name, points, polys)
	}
	if err != nil {
		return err
	}
	return nil
}

// resolvePending reads indicator CSVs now that every metadata file of the
// ingest is known: a metadata file named like the CSV (referrals.meta.csv)
// wins, else the union of all metadata files given.
func resolvePending(parts []*Part, fallback placeplan.Geography) error {
	union := &IndicatorMeta{Indicators: map[string]placeplan.Indicator{}}
	byName := map[string]*IndicatorMeta{}
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
		meta := byName[metaSidecarName(p.Input)]
		if meta == nil && len(names) > 0 {
			meta = union
		}
		it, err := readIndicatorTable(p.pending, meta, fallback)
		if err != nil {
			return err
		}
		p.Indicators, p.pending = it, nil
	}
	return nil
}

// Describe says in one line what a part holds.
func (p *Part) Describe() string {
	switch {
	case p.Indicators != nil:
		it := p.Indicators
		return fmt.Sprintf("%s: %s — %d areas × %d indicators", p.Input, it.Format, len(it.Areas), len(it.Indicators))
	case p.Meta != nil:
		return fmt.Sprintf("%s: indicator metadata — %d indicators described", p.Input, len(p.Meta.Indicators))
	case p.Boundaries != nil:
		b := p.Boundaries
		return fmt.Sprintf("%s: %s boundaries of %s areas in %s — %d areas", p.Input, b.Format, b.Geography.Label(), b.SourceCRS, len(b.Areas))
	case p.Points != nil:
		return fmt.Sprintf("%s: %s — %d sites in layer %q", p.Input, p.Points.Format, len(p.Points.Sites), p.Points.Layer)
	case p.Lookup != nil && len(p.Lookup.Changes) > 0:
		return fmt.Sprintf("%s: %s — %d rows", p.Input, p.Lookup.Format, len(p.Lookup.Changes))
	case p.Lookup != nil:
		return fmt.Sprintf("%s: %s (%s) — %d areas, %d MSOAs", p.Input, p.Lookup.Format, p.Lookup.Geography.Label(), len(p.Lookup.Areas), len(p.Lookup.MSOAs))
	case p.MSOANames != nil:
		return fmt.Sprintf("%s: House of Commons Library MSOA names (%s) — %d MSOAs", p.Input, p.MSOANames.Geography.Label(), len(p.MSOANames.MSOAs))
	case p.Centroids != nil:
		return fmt.Sprintf("%s: ONS population-weighted centroids (%s, British National Grid) — %d points", p.Input, p.Centroids.Geography.Label(), len(p.Centroids.Codes))
	case p.Localities != nil:
		return fmt.Sprintf("%s: locality definitions — %d rows", p.Input, len(p.Localities.Rows))
	case p.LocPolys != nil:
		return fmt.Sprintf("%s: locality polygons — %d localities", p.Input, len(p.LocPolys.Names))
	}
	return p.Input
}

// optReader returns a reader over b, or a nil interface when b is nil.
func optReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}
