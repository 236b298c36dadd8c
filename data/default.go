package data

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"

	"placeplan"
)

// defaultFS holds the embedded default dataset: Shropshire, Telford and
// Wrekin and the five Oxfordshire districts (see default/README.md).
//
//go:embed default/*.csv default/*.gz default/README.md
var defaultFS embed.FS

// defaultProvenance records where the embedded files whose readers cannot
// know it came from (see default/README.md).
var defaultProvenance = map[string]Provenance{
	"towns.csv": {
		Publisher:   "Ordnance Survey (OS Open Names); ONS MSOA centroids for Oswestry, Shifnal, Broseley and Albrighton proxies",
		Licence:     OGL,
		Attribution: "Contains OS data © Crown copyright and database right 2021. Source: Office for National Statistics licensed under the Open Government Licence v.3.0.",
	},
	"localities.csv": {
		Publisher:   "placeplan (working definitions built from House of Commons Library MSOA names and ONS district codes)",
		Licence:     "Open Parliament Licence (MSOA names); Open Government Licence v3.0 (codes)",
		Attribution: "MSOA names © House of Commons Library, Open Parliament Licence. Source: Office for National Statistics licensed under the Open Government Licence v.3.0.",
	},
	"lsoa2011_bgc.geojson.gz": {
		Attribution: "Contains National Statistics data © Crown copyright and database right 2014. Contains OS data © Crown copyright and database right 2014. GeoJSON and TopoJSON UK Boundary Data by Martin Chorley (CC-BY-4.0).",
	},
}

// DefaultInputs returns the files of the embedded default dataset, plus
// the LSOA 2011 → 2021 lookup, ready to ingest.
func DefaultInputs() ([]Input, error) {
	names, err := fs.Glob(defaultFS, "default/*")
	if err != nil {
		return nil, err
	}
	var out []Input
	for _, n := range names {
		if path.Ext(n) == ".md" {
			continue
		}
		b, err := defaultFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ins, err := expand(path.Base(n), b)
		if err != nil {
			return nil, fmt.Errorf("embedded default: %w", err)
		}
		for i := range ins {
			ins[i].Provenance = defaultProvenance[path.Base(n)]
		}
		out = append(out, ins...)
	}
	reg, err := expand("lsoa11_lsoa21.csv.gz", lsoaRegistryCSV)
	if err != nil {
		return nil, err
	}
	return append(out, reg...), nil
}

// LoadDefault ingests the embedded default dataset into s, in one
// transaction, through the same readers as any other ingest.
func LoadDefault(ctx context.Context, s *Store) (*IngestReport, error) {
	ins, err := DefaultInputs()
	if err != nil {
		return nil, err
	}
	rep, err := s.IngestInputs(ctx, ins, IngestOptions{Geography: placeplan.LSOA2011})
	if err != nil {
		return nil, fmt.Errorf("embedded default dataset: %w", err)
	}
	return rep, nil
}
