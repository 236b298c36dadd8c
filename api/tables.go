package api

import (
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"placeplan/wire"
)

// csvContentType is the media type of the tables as CSV (RFC 4180).
const csvContentType = "text/csv; charset=utf-8"

// wantsCSV reports whether a table route is asked for as CSV: f=csv or
// f=json (format= is the older spelling of f and means the same), else
// the Accept header, where text/csv must be preferred to JSON. An f the
// route cannot give is EINVALID; an Accept allowing neither CSV nor JSON
// is 406 Not Acceptable.
func wantsCSV(c echo.Context) (bool, error) {
	c.Response().Header().Add(echo.HeaderVary, "Accept")
	q := c.QueryParams()
	f, format := q.Get("f"), q.Get("format")
	switch {
	case q.Has("f") && q.Has("format") && f != format:
		return false, invalidf("f %q and format %q disagree: give one (f is the name to use)", f, format)
	case !q.Has("f"):
		f = format
	}
	switch f {
	case "csv":
		return true, nil
	case "json":
		return false, nil
	case "":
	default:
		return false, invalidf("f %q: use json or csv", f)
	}
	accept := c.Request().Header.Get(echo.HeaderAccept)
	if strings.TrimSpace(accept) == "" {
		return false, nil
	}
	jsonQ, csvQ := acceptQuality(accept, "application", "json"), acceptQuality(accept, "text", "csv")
	if jsonQ == 0 && csvQ == 0 {
		return false, echo.NewHTTPError(http.StatusNotAcceptable,
			"Accept "+strconv.Quote(accept)+": this route gives application/json or text/csv (or ask with f=json or f=csv)")
	}
	return csvQ > jsonQ, nil
}

// acceptQuality is the quality an Accept header gives the media type
// typ/sub: that of the most specific range matching it (RFC 9110 §12.5.1),
// 0 when none does. application/json is also matched by the JSON media
// types placeplan sends (problem+json, geo+json).
func acceptQuality(accept, typ, sub string) float64 {
	best, bestSpecific := 0.0, -1
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		t, s, _ := strings.Cut(mt, "/")
		specific := -1
		switch {
		case t == typ && (s == sub || strings.HasSuffix(s, "+"+sub)):
			specific = 2
		case t == typ && s == "*":
			specific = 1
		case t == "*" && s == "*":
			specific = 0
		}
		if specific < 0 || specific < bestSpecific {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil || q < 0 || q > 1 {
				q = 0
			}
		}
		if specific > bestSpecific || q > best {
			best, bestSpecific = q, specific
		}
	}
	return best
}

// tableParam reads table=, which of a route's CSV tables to send: one of
// names, the first by default. It is refused without CSV.
func tableParam(c echo.Context, csv bool, names ...string) (string, error) {
	v := c.QueryParam("table")
	switch {
	case v == "":
		return names[0], nil
	case !csv:
		return "", invalidf("table %q: tables are CSV; add f=csv", v)
	case !slices.Contains(names, v):
		return "", invalidf("table %q: use %s", v, strings.Join(names, ", "))
	}
	return v, nil
}

// writeCSV sends t as CSV, to be saved as stem.csv.
func writeCSV(c echo.Context, stem string, t wire.Table) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, csvContentType)
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": fileStem(stem) + ".csv"}))
	c.Response().WriteHeader(http.StatusOK)
	return t.WriteCSV(c.Response())
}

// fileStem keeps a file name to letters, digits, '-', '_', '.' and '@',
// so that a scenario id or a scheme's name makes a safe one.
func fileStem(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == '@':
			return r
		}
		return '_'
	}, s)
}
