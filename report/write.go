package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"placeplan"
	"placeplan/data/geopackage"
)

// Format is a file format a report is written in.
type Format string

// The formats.
const (
	PDF     Format = "pdf"
	DOCX    Format = "docx"
	HTMLDoc Format = "html"
	XLSX    Format = "xlsx"
	CSV     Format = "csv"
	GPKG    Format = "gpkg"
	GeoJSON Format = "geojson"
	PMTiles Format = "pmtiles"
)

// Formats lists the formats Write writes, the paper's first.
func Formats() []Format { return []Format{PDF, DOCX, HTMLDoc, XLSX, CSV, GPKG, GeoJSON, PMTiles} }

// ParseFormat returns the format named s, or an invalid-input error that
// lists them.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Formats(), f) {
		return f, nil
	}
	names := make([]string, len(Formats()))
	for i, f := range Formats() {
		names[i] = string(f)
	}
	return "", placeplan.Errorf(placeplan.EINVALID, "report format %q: want one of %s", s, strings.Join(names, ", "))
}

// MediaType is the format's media type.
func (f Format) MediaType() string {
	switch f {
	case PDF:
		return "application/pdf"
	case DOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case HTMLDoc:
		return "text/html; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case CSV:
		return "application/zip" // one CSV per table, zipped
	case GPKG:
		return "application/geopackage+sqlite3"
	case GeoJSON:
		return "application/geo+json"
	case PMTiles:
		return "application/vnd.pmtiles"
	}
	return "application/octet-stream"
}

// Extension is the file-name extension a file of the format takes: .zip
// for the zipped CSVs.
func (f Format) Extension() string {
	if f == CSV {
		return ".csv.zip"
	}
	return "." + string(f)
}

// Renderers are what the formats need beyond the report: Chromium for pdf
// and docx, pandoc for docx (empty values look them up on PATH), and the
// tile service for pmtiles.
type Renderers struct {
	Chromium Chromium
	Pandoc   Pandoc
	Tiles    TileSource
}

// Write writes the report in format f. progress, if not nil, hears what
// it is doing, in words.
func Write(ctx context.Context, w io.Writer, r *Report, f Format, tools Renderers, progress func(string)) error {
	say := func(s string) {
		if progress != nil {
			progress(s)
		}
	}
	switch f {
	case PDF:
		say("printing the PDF with Chromium")
		return WritePDF(ctx, w, r.Paper, tools.Chromium)
	case DOCX:
		say("rendering the figures with Chromium and converting with pandoc")
		return WriteDOCX(ctx, w, r.Paper, tools.Chromium, tools.Pandoc)
	case HTMLDoc:
		say("writing the HTML")
		return WriteHTML(w, r.Paper)
	case XLSX:
		say("writing the workbook")
		return WriteXLSX(w, r)
	case CSV:
		say("writing the tables, zipped")
		return WriteCSVZip(w, r)
	case GeoJSON:
		say("writing the GeoJSON")
		return WriteGeoJSON(w, r)
	case PMTiles:
		if tools.Tiles == nil {
			return placeplan.Errorf(placeplan.EUNSUPPORTED, "pmtiles: no tile service to draw the tiles from")
		}
		say("drawing the map tiles")
		return WritePMTiles(ctx, w, r, tools.Tiles, progress)
	case GPKG:
		say("writing the GeoPackage")
		// SQLite writes a file: write one in a private folder and copy it.
		dir, err := os.MkdirTemp("", "placeplan-gpkg-")
		if err != nil {
			return fmt.Errorf("gpkg: %w", err)
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "report.gpkg")
		if err := WriteGeoPackage(ctx, path, r, geopackage.EPSG27700); err != nil {
			return err
		}
		file, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("gpkg: %w", err)
		}
		defer file.Close()
		if _, err := io.Copy(w, file); err != nil {
			return fmt.Errorf("gpkg: %w", err)
		}
		return nil
	}
	_, err := ParseFormat(string(f))
	return err
}
