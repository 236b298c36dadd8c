package report

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"placeplan/data/geopackage"
	"placeplan/geo"
)

// WriteGeoPackage writes the report's layers to a new GeoPackage 1.3 file
// at path: small areas with their results, localities, sites and
// catchments as feature tables, phases and the notes as attribute tables.
// Coordinates are British National Grid (EPSG:27700) unless srsID is
// geopackage.EPSG4326. A withheld figure is NULL, as the notes say.
func WriteGeoPackage(ctx context.Context, path string, r *Report, srsID int) error {
	byName := map[string]DataTable{}
	for _, t := range r.Tables {
		byName[t.Name] = t
	}
	var layers []geopackage.Layer
	for _, spec := range []struct {
		table, geomType string
	}{
		{"small_areas", "MULTIPOLYGON"}, {"localities", "MULTIPOLYGON"}, {"sites", "POINT"}, {"catchments", "MULTIPOLYGON"}, {"phases", ""},
	} {
		t, ok := byName[spec.table]
		if spec.table == "catchments" {
			t, ok = r.Catchments, true
		}
		if !ok {
			continue
		}
		l := geopackage.Layer{Name: t.Name, Title: t.Title, Description: t.Title + " (" + r.Paper.Footer + ")", GeometryType: spec.geomType}
		for _, c := range t.Columns {
			l.Columns = append(l.Columns, geopackage.Column{Name: c.Name, Type: sqlType(c.Kind)})
		}
		for _, row := range t.Rows {
			vals := make([]any, len(row))
			for j, cell := range row {
				vals[j] = cell.Value(t.Columns[j].Kind) // a withheld figure is NULL
			}
			l.Rows = append(l.Rows, vals)
		}
		if spec.geomType != "" {
			l.Geometry = make([]orb.Geometry, len(t.Rows))
			copy(l.Geometry, t.Geometry)
			if srsID == geopackage.EPSG27700 {
				toBNG(l.Geometry)
			}
		}
		layers = append(layers, l)
	}
	notes := geopackage.Layer{Name: "notes", Title: "Notes", Description: "Definitions, the withheld symbol and the attribution lines",
		Columns: []geopackage.Column{{Name: "line", Type: "INTEGER"}, {Name: "text", Type: "TEXT"}}}
	for i, n := range r.notes() {
		notes.Rows = append(notes.Rows, []any{int64(i + 1), n})
	}
	return geopackage.Write(ctx, path, srsID, append(layers, notes))
}

// toBNG projects each geometry of gs to British National Grid in place
// (geo.ToBNG copies it first, so the report's own stay WGS84), on every
// core: the projection is most of the time of writing England's 32,844
// small areas. Workers take the next geometry as they finish, since a
// locality or a catchment has far more points than a small area.
func toBNG(gs []orb.Geometry) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(gs)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(gs); i = int(next.Add(1) - 1) {
				if gs[i] != nil {
					gs[i] = geo.ToBNG(gs[i])
				}
			}
		})
	}
	wg.Wait()
}

func sqlType(k CellKind) string {
	switch k {
	case NumberCell:
		return "REAL"
	case IntegerCell:
		return "INTEGER"
	case DateCell:
		return "DATE"
	}
	return "TEXT"
}
