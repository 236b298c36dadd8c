package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"placeplan"
	"placeplan/scenario"
)

// cmdSummarise prints MHCLG's summary measures of the IoD for groupings of
// small areas: districts, MSOAs or localities (scenario.IoDAreas).
func cmdSummarise(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	warn := func(ws []string) {
		for _, w := range ws {
			fmt.Fprintf(stderr, "warning: %s\n", w)
		}
	}
	by, err := scenario.ParseGrouping(cfg.By)
	if err != nil {
		return usageError{fmt.Sprintf("--by %q: use lad, msoa or locality", cfg.By)}
	}
	ia, err := scenario.ReadIoDAreas(ctx, scenario.IoDFiles{IoD: cfg.IoD, Underlying: cfg.Underlying})
	if err != nil {
		return err
	}
	warn(ia.Warnings())
	var locs []placeplan.Locality
	if by == scenario.ByLocality {
		defs, err := scenario.ReadLocalityDefs(cfg.Localities)
		if err != nil {
			return err
		}
		var ws []string
		locs, ws, err = ia.ResolveLocalities(defs)
		warn(ws)
		if err != nil {
			return err
		}
	}
	s, err := ia.Summarise(by, locs)
	if err != nil {
		return err
	}
	warn(s.Warnings[len(ia.Warnings()):]) // the values' warnings went out above
	return writeSummary(stdout, cfg.Format, s)
}

// csvNumber writes a value rounded to 6 decimal places, without trailing
// zeros (ranks are whole numbers, so they print as integers); JSON carries
// full precision.
func csvNumber(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	r := math.Round(v*1e6) / 1e6
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// writeSummary writes the groups as CSV (columns code, name, then
// s.Columns), or as a JSON array of objects whose keys keep the column
// order, numbers as numbers and no value as null.
func writeSummary(w io.Writer, format string, s *scenario.Summary) error {
	header := append([]string{"code", "name"}, s.Columns...)
	if format == "json" {
		var b bytes.Buffer
		b.WriteString("[")
		for i, g := range s.Groups {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n  {")
			for j, key := range header {
				if j > 0 {
					b.WriteString(",")
				}
				var v any
				switch {
				case j == 0:
					v = g.Code
				case j == 1:
					v = g.Name
				case !math.IsNaN(g.Values[j-2]):
					v = g.Values[j-2]
				}
				k, _ := json.Marshal(key)
				val, err := json.Marshal(v)
				if err != nil {
					return err
				}
				b.WriteString("\n    ")
				b.Write(k)
				b.WriteString(": ")
				b.Write(val)
			}
			b.WriteString("\n  }")
		}
		b.WriteString("\n]\n")
		_, err := w.Write(b.Bytes())
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(header)
	for _, g := range s.Groups {
		rec := make([]string, len(header))
		rec[0], rec[1] = g.Code, g.Name
		for j, v := range g.Values {
			rec[j+2] = csvNumber(v)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
