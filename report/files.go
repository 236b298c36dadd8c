package report

import (
	"archive/zip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/xuri/excelize/v2"

	"placeplan/scoring/siting"
)

// notes are the definitions and attribution every analysts' file carries:
// what each table and column holds, what a withheld figure is, and the
// attribution lines of the data.
func (r *Report) notes() []string {
	out := []string{
		r.Paper.Title,
		"Scenario and data: " + r.Paper.Footer + ". Made " + r.Paper.Date.Format("2 January 2006") + " by placeplan.",
	}
	if r.SuppressBelow > 0 {
		out = append(out, fmt.Sprintf("%s marks a figure withheld: a count below %s, or a figure from which one could be worked out by subtraction, not shown to protect confidentiality; no share of a withheld figure is shown. In GeoPackage and GeoJSON a withheld figure is null.",
			Withheld, siting.Amount(r.SuppressBelow)))
	}
	for _, t := range r.Tables {
		out = append(out, "", t.Name+": "+t.Title)
		for _, c := range t.Columns {
			out = append(out, "  "+c.Name+": "+c.Description)
		}
	}
	out = append(out, "", "Sources and attribution:")
	return append(out, r.Attribution...)
}

// WriteXLSX writes the tables as an Excel workbook: a Notes sheet first
// (definitions, the withheld symbol, the attribution lines), then one
// sheet per table, each an Excel table with a header row, frozen, with
// numbers as numbers and dates as dates.
func WriteXLSX(w io.Writer, r *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Notes"); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for i, line := range r.notes() {
		if err := f.SetCellStr("Notes", cellName(1, i+1), line); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	f.SetColWidth("Notes", "A", "A", 120)
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for _, t := range r.Tables {
		if _, err := f.NewSheet(t.Name); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		for j, c := range t.Columns {
			f.SetCellStr(t.Name, cellName(j+1, 1), c.Name)
		}
		for i, row := range t.Rows {
			for j, cell := range row {
				name := cellName(j+1, i+2)
				kind := t.Columns[j].Kind
				var err error
				switch {
				case cell.Withheld:
					err = f.SetCellStr(t.Name, name, Withheld)
				case cell.Empty:
				case kind == NumberCell || kind == IntegerCell:
					err = f.SetCellFloat(t.Name, name, cell.Number, -1, 64)
				case kind == DateCell:
					var d time.Time
					if d, err = time.Parse(time.DateOnly, cell.Text); err == nil {
						if err = f.SetCellValue(t.Name, name, d); err == nil {
							err = f.SetCellStyle(t.Name, name, name, dateStyle)
						}
					}
				default:
					err = f.SetCellStr(t.Name, name, cell.Text)
				}
				if err != nil {
					return fmt.Errorf("xlsx: %s %s: %w", t.Name, name, err)
				}
			}
		}
		last := cellName(len(t.Columns), len(t.Rows)+1)
		if err := f.AddTable(t.Name, &excelize.Table{Range: "A1:" + last, Name: t.Name, StyleName: "TableStyleLight9"}); err != nil {
			return fmt.Errorf("xlsx: %s: %w", t.Name, err)
		}
		if err := f.SetPanes(t.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return fmt.Errorf("xlsx: %s: %w", t.Name, err)
		}
		f.SetColWidth(t.Name, "A", cellColumn(len(t.Columns)), 16)
	}
	f.SetDocProps(&excelize.DocProperties{Title: r.Paper.Title, Creator: "placeplan", Language: r.Paper.Language})
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// cellName is an A1 reference; col and row count from 1.
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row) // in range: a few dozen columns
	return name
}

func cellColumn(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

// WriteCSVZip writes each table as a CSV file (a header row, UTF-8, the
// withheld symbol where a figure is withheld) with a notes.txt, in one
// zip archive.
func WriteCSVZip(w io.Writer, r *Report) error {
	zw := zip.NewWriter(w)
	for _, t := range r.Tables {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: t.Name + ".csv", Method: zip.Deflate, Modified: r.Paper.Date})
		if err != nil {
			return fmt.Errorf("csv: %w", err)
		}
		if err := writeCSV(f, t); err != nil {
			return fmt.Errorf("csv: %s: %w", t.Name, err)
		}
	}
	f, err := zw.CreateHeader(&zip.FileHeader{Name: "notes.txt", Method: zip.Deflate, Modified: r.Paper.Date})
	if err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	if _, err := io.WriteString(f, strings.Join(r.notes(), "\n")+"\n"); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

// writeCSV writes one table.
func writeCSV(w io.Writer, t DataTable) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(t.Columns))
	for j, c := range t.Columns {
		head[j] = c.Name
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for j, cell := range row {
			rec[j] = cell.String(t.Columns[j].Kind)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteGeoJSON writes the small areas, the bases and the catchments as one
// RFC 7946 FeatureCollection in WGS84, each feature's layer property
// naming which; a withheld figure is null. The collection's placeplan
// member carries the notes.
func WriteGeoJSON(w io.Writer, r *Report) error {
	fc := geojson.NewFeatureCollection()
	for _, t := range []DataTable{r.Tables[1], r.Tables[2], r.Catchments} {
		for i, row := range t.Rows {
			if t.Geometry[i] == nil {
				continue
			}
			f := geojson.NewFeature(roundGeometry(t.Geometry[i]))
			f.Properties["layer"] = t.Name
			for j, cell := range row {
				f.Properties[t.Columns[j].Name] = cell.Value(t.Columns[j].Kind)
			}
			fc.Append(f)
		}
	}
	fc.ExtraMembers = geojson.Properties{"placeplan": map[string]any{"title": r.Paper.Title, "notes": r.notes()}}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fc); err != nil {
		return fmt.Errorf("geojson: %w", err)
	}
	return nil
}

// roundGeometry rounds coordinates to 6 decimal places (about 0.1 m),
// as RFC 7946 suggests for precision that is not false.
func roundGeometry(g orb.Geometry) orb.Geometry {
	round := func(p orb.Point) orb.Point {
		return orb.Point{math.Round(p[0]*1e6) / 1e6, math.Round(p[1]*1e6) / 1e6}
	}
	switch g := g.(type) {
	case orb.Point:
		return round(g)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, poly := range g {
			out[i] = make(orb.Polygon, len(poly))
			for j, ring := range poly {
				out[i][j] = make(orb.Ring, len(ring))
				for k, p := range ring {
					out[i][j][k] = round(p)
				}
			}
		}
		return out
	}
	return g
}
