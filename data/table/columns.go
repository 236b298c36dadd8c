package table

import (
	"fmt"
	"math"
	"strings"

	"placeplan"
	"placeplan/data/record"
	"placeplan/data/registry"
)

// IDColumns are the positions of a table's area code, name, district and
// MSOA columns (-1 where absent) and the geography its code column names,
// if it names one.
type IDColumns struct {
	Code, Name, LAD, LADName, MSOA, MSOAName int
	Geography                                placeplan.Geography
}

// IsID reports whether column i is one of the identifying columns.
func (ids IDColumns) IsID(i int) bool {
	return i == ids.Code || i == ids.Name || i == ids.LAD || i == ids.LADName || i == ids.MSOA || i == ids.MSOAName
}

// Codes returns the trimmed area code of every row of t.
func (ids IDColumns) Codes(t *Table) []string {
	codes := make([]string, len(t.Rows))
	for i, row := range t.Rows {
		codes[i] = strings.TrimSpace(row[ids.Code])
	}
	return codes
}

// Area returns what a row says of its area through the identifying
// columns: the code given, and the name, district and MSOA where the table
// has those columns.
func (ids IDColumns) Area(code string, row []string) record.Area {
	a := record.Area{Code: code}
	cell := func(i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	a.Name, a.LADCode, a.LADName, a.MSOACode = cell(ids.Name), cell(ids.LAD), cell(ids.LADName), cell(ids.MSOA)
	return a
}

// FindIDColumns finds the area code, name, district and MSOA columns of t.
func FindIDColumns(t *Table) IDColumns {
	ids := IDColumns{Code: -1, Name: -1, LAD: -1, LADName: -1, MSOA: -1, MSOAName: -1}
	for i, h := range t.Header {
		n := record.NormHeader(h)
		switch {
		case ids.Code < 0 && (n == "lsoa code 2011" || n == "lsoa11cd" || n == "lsoa11 code" || n == "lsoa11" || n == "f lsoa11cd"):
			ids.Code, ids.Geography = i, placeplan.LSOA2011
		case ids.Code < 0 && (n == "lsoa code 2021" || n == "lsoa21cd" || n == "lsoa21 code" || n == "lsoa21"):
			ids.Code, ids.Geography = i, placeplan.LSOA2021
		case ids.Code < 0 && (n == "lsoa code" || n == "lsoa" || n == "lsoa cd" || n == "area code" || n == "areacode" ||
			n == "code" || n == "geography code" || n == "area"):
			ids.Code = i
		case ids.Name < 0 && (n == "lsoa name 2011" || n == "lsoa11nm" || n == "lsoa name 2021" || n == "lsoa21nm" ||
			n == "lsoa21 name" || n == "lsoa name" || n == "name" || n == "area name" || n == "lsoa11 name"):
			ids.Name = i
		case ids.LAD < 0 && (strings.HasPrefix(n, "local authority district code") || record.IsCodeHeader(n, "lad") || record.IsCodeHeader(n, "ltla")):
			ids.LAD = i
		case ids.LADName < 0 && (strings.HasPrefix(n, "local authority district name") || record.IsNameHeader(n, "lad") || record.IsNameHeader(n, "ltla")):
			ids.LADName = i
		case ids.MSOA < 0 && (n == "msoa11cd" || n == "msoa21cd" || n == "msoa code 2011" || n == "msoa code 2021" || n == "msoa code"):
			ids.MSOA = i
		case ids.MSOAName < 0 && (n == "msoa11hclnm" || n == "msoa21hclnm"):
			ids.MSOAName = i
		}
	}
	return ids
}

// FillIndicators reads and validates the rows of t into it: codes against
// the registry and each value (columns cols, one per it.Indicators) against
// its indicator's kind; n, when positive, is the national count ranks run
// to. Codes of the other vintage are reported together, as a mix.
func FillIndicators(it *record.IndicatorTable, t *Table, ids IDColumns, cols []int, reg *registry.LSOACodes, n int) error {
	probs := record.NewProblems(t.Name)
	firstLine := map[string]int{}
	var only11, only21 []string
	it.Values = make([][]float64, len(cols))
	for k := range it.Values {
		it.Values[k] = make([]float64, 0, len(t.Rows))
	}
	missing := make([]int, len(cols))
	for r, row := range t.Rows {
		line := t.Lines[r]
		code := strings.TrimSpace(row[ids.Code])
		switch {
		case code == "":
			probs.Addf("%s line %d column %d: empty area code", t.Name, line, ids.Code+1)
			continue
		case !record.IsLSOACode(code):
			probs.Addf("%s line %d column %d: %q is not an LSOA code (expected E01 followed by six digits)", t.Name, line, ids.Code+1, code)
			continue
		case !reg.Known(it.Geography, code):
			if reg.Known(it.Geography.Other(), code) {
				if it.Geography == placeplan.LSOA2011 {
					only21 = append(only21, fmt.Sprintf("%s (line %d)", code, line))
				} else {
					only11 = append(only11, fmt.Sprintf("%s (line %d)", code, line))
				}
				continue
			}
			probs.Addf("%s line %d column %d: unknown %s area code %s", t.Name, line, ids.Code+1, it.Geography.Label(), code)
			continue
		}
		if first, dup := firstLine[code]; dup {
			probs.Addf("%s line %d: duplicate area code %s (first on line %d)", t.Name, line, code, first)
			continue
		}
		firstLine[code] = line
		a := ids.Area(code, row)
		if a.LADCode != "" && !record.IsLADCode(a.LADCode) {
			probs.Addf("%s line %d column %d: %q is not a local authority district code", t.Name, line, ids.LAD+1, a.LADCode)
		}
		it.Areas = append(it.Areas, a)
		for k, c := range cols {
			v, miss, err := ParseNumber(row[c])
			if err != nil {
				probs.Addf("%s line %d column %d (%s), area %s: %v", t.Name, line, c+1, t.Header[c], code, err)
			} else if miss {
				missing[k]++
			} else if msg := checkValue(it.Indicators[k], v, n); msg != "" {
				probs.Addf("%s line %d column %d (%s), area %s: %s", t.Name, line, c+1, t.Header[c], code, msg)
			}
			it.Values[k] = append(it.Values[k], v)
		}
	}
	if len(only11)+len(only21) > 0 {
		var parts []string
		if len(only21) > 0 {
			parts = append(parts, fmt.Sprintf("%d codes that exist only in LSOA 2021, first %s", len(only21), only21[0]))
		}
		if len(only11) > 0 {
			parts = append(parts, fmt.Sprintf("%d codes that exist only in LSOA 2011, first %s", len(only11), only11[0]))
		}
		probs.Addf("%s: a mix of LSOA 2011 and 2021 codes in a file read as %s: %s; convert the codes with the ONS LSOA (2011) to LSOA (2021) lookup first",
			t.Name, it.Geography.Label(), strings.Join(parts, "; "))
	}
	if err := probs.Err(); err != nil {
		return err
	}
	for k, m := range missing {
		if m > 0 {
			it.Warnings = append(it.Warnings, fmt.Sprintf("%s: %d of %d areas have no value", it.Indicators[k].Key, m, len(it.Areas)))
		}
	}
	return nil
}

// checkValue returns why v is impossible for ind, or "".
func checkValue(ind placeplan.Indicator, v float64, n int) string {
	whole := v == math.Trunc(v)
	switch ind.Kind {
	case placeplan.KindRank:
		if !whole || v < 1 || (n > 0 && v > float64(n)) {
			return fmt.Sprintf("rank %v is impossible (ranks run from 1 to %d)", v, n)
		}
	case placeplan.KindDecile:
		if !whole || v < 1 || v > 10 {
			return fmt.Sprintf("decile %v is impossible (deciles run from 1 to 10)", v)
		}
	case placeplan.KindPopulation, placeplan.KindCount:
		if v < 0 {
			return fmt.Sprintf("negative %s %v", ind.Kind, v)
		}
	case placeplan.KindRate:
		if v < 0 {
			return fmt.Sprintf("negative rate %v", v)
		}
		if strings.HasPrefix(ind.Unit, "proportion") && v > 1 {
			return fmt.Sprintf("proportion %v is above 1", v)
		}
		if ind.Unit == "%" && v > 100 {
			return fmt.Sprintf("percentage %v is above 100", v)
		}
	}
	if strings.HasSuffix(ind.Key, "_exp") && (v < 0 || v > 100) {
		return fmt.Sprintf("transformed score %v is outside 0 to 100", v)
	}
	return ""
}
