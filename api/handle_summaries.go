package api

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"

	"github.com/labstack/echo/v4"

	"placeplan/scenario"
	"placeplan/scenario/tiles"
	"placeplan/wire"
)

// summaryDocument is GET /api/v1/summaries on the wire.
type summaryDocument struct {
	By          string         `json:"by"`
	Geography   string         `json:"geography"`
	Scheme      string         `json:"scheme,omitempty"`
	Groups      []summaryGroup `json:"groups"`
	Warnings    []string       `json:"warnings"`
	Attribution []string       `json:"attribution"`
}

// summaryGroup is one group on the wire: code, name, then every measure
// under the name of its column in placeplan summarise's CSV, in that
// order; a number, or null where the group has none.
type summaryGroup struct {
	columns []string
	group   scenario.SummaryGroup
}

// MarshalJSON writes the group's keys in column order.
func (g summaryGroup) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "Cosford & Albrighton" as written
	str := func(s string) error {
		if err := enc.Encode(s); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode ends with a newline
		return nil
	}
	b.WriteString(`{"code":`)
	if err := str(g.group.Code); err != nil {
		return nil, err
	}
	b.WriteString(`,"name":`)
	if err := str(g.group.Name); err != nil {
		return nil, err
	}
	for j, col := range g.columns {
		b.WriteByte(',')
		if err := str(col); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		v := g.group.Values[j]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b.WriteString("null")
			continue
		}
		num, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		b.Write(num)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// newSummaryDocument converts a summary for the wire.
func newSummaryDocument(s *scenario.Summary) summaryDocument {
	doc := summaryDocument{By: string(s.By), Geography: string(s.Geography), Scheme: s.Scheme,
		Groups: make([]summaryGroup, len(s.Groups)), Warnings: s.Warnings, Attribution: s.Attribution}
	for i, g := range s.Groups {
		doc.Groups[i] = summaryGroup{columns: s.Columns, group: g}
	}
	if doc.Warnings == nil {
		doc.Warnings = []string{}
	}
	if doc.Attribution == nil {
		doc.Attribution = []string{}
	}
	return doc
}

// handleSummaries answers GET /api/v1/summaries?by=lad|msoa|locality
// [&scheme=NAME][&geography=lsoa11|lsoa21]: MHCLG's summary measures of
// the IoD (scenario.SummariseStore) for the districts (the default), MSOAs
// or the localities of one scheme that the loaded areas fall in. The
// geography defaults to lsoa11 when it is loaded, else lsoa21.
func (s *Server) handleSummaries(c echo.Context) error {
	ctx := c.Request().Context()
	csv, err := wantsCSV(c)
	if err != nil {
		return err
	}
	by := scenario.ByLAD
	if v := c.QueryParam("by"); v != "" {
		if by, err = scenario.ParseGrouping(v); err != nil {
			return invalidf("by: unknown grouping %q: use lad, msoa or locality", v)
		}
	}
	geog, err := tiles.ParseGeography(c.QueryParam("geography"))
	if err != nil {
		return err
	}
	if geog == "" {
		held, err := s.store.Geographies(ctx)
		if err != nil {
			return err
		}
		if geog, _ = tiles.LayerGeography("", held); geog == "" {
			return notFoundf("no small areas are loaded")
		}
	}
	res, err := scenario.SummariseStore(ctx, s.store, scenario.SummaryQuery{Geography: geog, By: by, Scheme: c.QueryParam("scheme")})
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(c, "summaries-"+string(by), wire.SummaryTable(res))
	}
	return c.JSON(http.StatusOK, newSummaryDocument(res))
}
