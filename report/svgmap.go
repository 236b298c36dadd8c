package report

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"

	"placeplan/geo"
)

// A printed map is drawn on the British National Grid (EPSG:27700), the
// projection of Ordnance Survey maps, in SVG user units of CSS pixels
// (1/96 inch): an A4 page's text column is about 650 px wide.

// Map is a printed thematic map: small areas filled by class, outlines on
// top (localities, catchments), sites as numbered points, and the
// furniture a printed map needs — legend, scale bar, north arrow and
// attribution.
type Map struct {
	// ID is unique within the page that shows the map: its labelling
	// references are made from it.
	ID string
	// Title and Alt become the SVG's <title> and <desc>: the alt text a
	// screen reader (and the tagged PDF) gives for the picture.
	Title, Alt string
	WidthPx    float64
	HeightPx   float64
	Areas      []MapArea
	Outlines   []MapOutline // drawn in order, over the areas
	Sites      []MapSite
	Legend     MapLegend
	// Attribution is printed along the foot of the map.
	Attribution string
}

// MapArea is one filled polygon, in WGS84 longitude and latitude.
type MapArea struct {
	Geometry orb.MultiPolygon
	Fill     string // "#rrggbb"
}

// MapOutline is an outline, in WGS84, with its stroke.
type MapOutline struct {
	Geometry orb.MultiPolygon
	Stroke   string
	WidthPx  float64
	Dash     string // SVG stroke-dasharray, "" for a solid line
}

// MapSite is a point drawn as a numbered marker, in WGS84, nudged by
// NudgePx to the upper right when another marker sits on the same point
// (a leader line joins it to its point).
type MapSite struct {
	Point   orb.Point
	Label   string // a short label inside the marker, such as "1"
	Fill    string
	NudgePx float64
}

// MapLegend is the key: a title, a line on how the classes were made, the
// filled classes and the outline and point symbols.
type MapLegend struct {
	Title   string
	Method  string
	Classes []LegendClass
	Lines   []LegendLine
	Sites   string // the label of the site symbol, "" for none
}

// LegendClass is one class of the key.
type LegendClass struct {
	Label string
	Fill  string
}

// LegendLine is one outline symbol of the key.
type LegendLine struct {
	Label  string
	Stroke string
	Dash   string
}

// mapLayout holds the projection of a map onto its frame: BNG metres to
// pixels.
type mapLayout struct {
	minE, maxN float64 // metres: the frame's west and north edges
	pxPerM     float64
	frameW     float64 // pixels: the map frame (the legend sits to its right)
	frameH     float64
}

// legendWidthPx is the width kept on the right for the key.
const legendWidthPx = 190

// layout fits the extent of the areas and outlines into the frame, with a
// margin, keeping the aspect ratio.
func (m *Map) layout() mapLayout {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	grow := func(g orb.MultiPolygon) {
		for _, p := range g {
			for _, r := range p {
				for _, pt := range r {
					e, n := geo.WGS84ToBNG(pt[0], pt[1])
					b = b.Extend(orb.Point{e, n})
				}
			}
		}
	}
	for _, a := range m.Areas {
		grow(a.Geometry)
	}
	for _, o := range m.Outlines {
		grow(o.Geometry)
	}
	l := mapLayout{frameW: m.WidthPx - legendWidthPx, frameH: m.HeightPx - 18} // the foot line holds the attribution
	if math.IsInf(b.Min[0], 1) {
		l.pxPerM = 1
		return l
	}
	const marginPx = 8
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	l.pxPerM = math.Min((l.frameW-2*marginPx)/math.Max(w, 1), (l.frameH-2*marginPx)/math.Max(h, 1))
	// Centre the extent in the frame.
	l.minE = b.Min[0] - ((l.frameW/l.pxPerM)-w)/2
	l.maxN = b.Max[1] + ((l.frameH/l.pxPerM)-h)/2
	return l
}

// project returns the pixel position of a WGS84 point.
func (l mapLayout) project(p orb.Point) orb.Point {
	e, n := geo.WGS84ToBNG(p[0], p[1])
	return orb.Point{(e - l.minE) * l.pxPerM, (l.maxN - n) * l.pxPerM}
}

// path returns the SVG path data of g, projected and simplified to a
// third of a pixel (invisible in print, and it keeps a county's map to a
// few hundred kilobytes).
func (l mapLayout) path(g orb.MultiPolygon) string {
	var sb strings.Builder
	dp := simplify.DouglasPeucker(0.33)
	for _, poly := range g {
		for _, ring := range poly {
			px := make(orb.LineString, len(ring))
			for i, pt := range ring {
				px[i] = l.project(pt)
			}
			px = dp.LineString(px)
			if len(px) < 3 {
				continue
			}
			for i, pt := range px {
				if i == 0 {
					sb.WriteByte('M')
				} else {
					sb.WriteByte('L')
				}
				sb.WriteString(num1(pt[0]))
				sb.WriteByte(' ')
				sb.WriteString(num1(pt[1]))
			}
			sb.WriteByte('Z')
		}
	}
	return sb.String()
}

// num1 formats a pixel coordinate to a tenth of a pixel.
func num1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// draw is SVG as a Figure's drawing function.
func (m *Map) draw() (string, error) { return m.SVG(), nil }

// SVG returns the map as a standalone SVG document (an <svg> element that
// may also be placed inline in HTML), labelled for assistive technology.
func (m *Map) SVG() string {
	l := m.layout()
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%[5]s-t %[5]s-d" font-family="Liberation Sans, Arial, sans-serif">`,
		num1(m.WidthPx), num1(m.HeightPx), num1(m.WidthPx), num1(m.HeightPx), m.ID)
	fmt.Fprintf(&sb, `<title id="%s-t">%s</title><desc id="%[1]s-d">%s</desc>`, m.ID, esc(m.Title), esc(m.Alt))
	fmt.Fprintf(&sb, `<defs><clipPath id="%s-c"><rect width="%s" height="%s"/></clipPath></defs>`, m.ID, num1(l.frameW), num1(l.frameH))
	fmt.Fprintf(&sb, `<rect width="%s" height="%s" fill="#ffffff" stroke="#505a5f" stroke-width="1"/>`, num1(l.frameW), num1(l.frameH))
	fmt.Fprintf(&sb, `<g clip-path="url(#%s-c)">`, m.ID)
	// Areas: filled, with a hairline of their own colour so that no
	// background shows between neighbours.
	sb.WriteString(`<g stroke-width="0.4" stroke-linejoin="round">`)
	for _, a := range m.Areas {
		if d := l.path(a.Geometry); d != "" {
			fmt.Fprintf(&sb, `<path d="%s" fill="%s" stroke="%[2]s"/>`, d, a.Fill)
		}
	}
	sb.WriteString(`</g>`)
	for _, o := range m.Outlines {
		d := l.path(o.Geometry)
		if d == "" {
			continue
		}
		dash := ""
		if o.Dash != "" {
			dash = ` stroke-dasharray="` + o.Dash + `"`
		}
		fmt.Fprintf(&sb, `<path d="%s" fill="none" stroke="%s" stroke-width="%s" stroke-linejoin="round"%s/>`, d, o.Stroke, num1(o.WidthPx), dash)
	}
	for _, s := range m.Sites {
		p := l.project(s.Point)
		if s.NudgePx != 0 {
			q := orb.Point{p[0] + s.NudgePx, p[1] - s.NudgePx}
			fmt.Fprintf(&sb, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`, num1(p[0]), num1(p[1]), num1(q[0]), num1(q[1]), s.Fill)
			p = q
		}
		fmt.Fprintf(&sb, `<circle cx="%s" cy="%s" r="8" fill="%s" stroke="#ffffff" stroke-width="2"/>`, num1(p[0]), num1(p[1]), s.Fill)
		fmt.Fprintf(&sb, `<text x="%s" y="%s" font-size="10" font-weight="bold" text-anchor="middle" fill="#ffffff">%s</text>`,
			num1(p[0]), num1(p[1]+3.5), esc(s.Label))
	}
	sb.WriteString(`</g>`)
	m.northArrow(&sb, l)
	m.scaleBar(&sb, l)
	m.legend(&sb, l)
	fmt.Fprintf(&sb, `<text x="0" y="%s" font-size="8.5" fill="#0b0c0c">%s</text>`, num1(m.HeightPx-4), esc(m.Attribution))
	sb.WriteString(`</svg>`)
	return sb.String()
}

// northArrow draws grid north at the frame's top right. On the National
// Grid, grid north is up; true north differs by under 4°.
func (m *Map) northArrow(sb *strings.Builder, l mapLayout) {
	x, y := l.frameW-22, 12.0
	fmt.Fprintf(sb, `<g><path d="M%s %sL%s %sL%s %sZ" fill="#0b0c0c"/><text x="%s" y="%s" font-size="11" font-weight="bold" text-anchor="middle" fill="#0b0c0c">N</text></g>`,
		num1(x), num1(y+8), num1(x-7), num1(y+30), num1(x+7), num1(y+30), num1(x), num1(y+5))
}

// scaleBar draws a bar of a round number of kilometres, about a quarter
// of the frame wide, at its bottom left.
func (m *Map) scaleBar(sb *strings.Builder, l mapLayout) {
	targetM := l.frameW / 4 / l.pxPerM
	step := math.Pow(10, math.Floor(math.Log10(targetM)))
	lengthM := step
	for _, k := range []float64{5, 2, 1} {
		if k*step <= targetM {
			lengthM = k * step
			break
		}
	}
	w := lengthM * l.pxPerM
	x, y := 10.0, l.frameH-14
	label := strconv.FormatFloat(lengthM/1000, 'f', -1, 64) + " km"
	if lengthM < 1000 {
		label = strconv.FormatFloat(lengthM, 'f', -1, 64) + " m"
	}
	fmt.Fprintf(sb, `<g><rect x="%s" y="%s" width="%s" height="5" fill="#0b0c0c"/><rect x="%s" y="%s" width="%s" height="5" fill="#ffffff" stroke="#0b0c0c" stroke-width="1"/>`,
		num1(x), num1(y), num1(w/2), num1(x+w/2), num1(y), num1(w/2))
	fmt.Fprintf(sb, `<text x="%s" y="%s" font-size="9" fill="#0b0c0c">0</text><text x="%s" y="%s" font-size="9" text-anchor="end" fill="#0b0c0c">%s</text></g>`,
		num1(x), num1(y-3), num1(x+w), num1(y-3), esc(label))
}

// legend draws the key to the right of the frame.
func (m *Map) legend(sb *strings.Builder, l mapLayout) {
	x := l.frameW + 12
	y := 14.0
	line := func(size float64, bold bool, s string) {
		weight := ""
		if bold {
			weight = ` font-weight="bold"`
		}
		for _, part := range wrapText(s, int(1.9*(legendWidthPx-14)/size)) {
			fmt.Fprintf(sb, `<text x="%s" y="%s" font-size="%s"%s fill="#0b0c0c">%s</text>`, num1(x), num1(y), num1(size), weight, esc(part))
			y += size * 1.3
		}
	}
	line(11, true, m.Legend.Title)
	if m.Legend.Method != "" {
		line(9, false, m.Legend.Method)
	}
	y += 4
	for _, c := range m.Legend.Classes {
		fmt.Fprintf(sb, `<rect x="%s" y="%s" width="18" height="12" fill="%s" stroke="#505a5f" stroke-width="0.5"/>`, num1(x), num1(y-9), c.Fill)
		fmt.Fprintf(sb, `<text x="%s" y="%s" font-size="9" fill="#0b0c0c">%s</text>`, num1(x+24), num1(y+1), esc(c.Label))
		y += 16
	}
	y += 4
	for _, ln := range m.Legend.Lines {
		dash := ""
		if ln.Dash != "" {
			dash = ` stroke-dasharray="` + ln.Dash + `"`
		}
		fmt.Fprintf(sb, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>`, num1(x), num1(y-3), num1(x+18), num1(y-3), ln.Stroke, dash)
		fmt.Fprintf(sb, `<text x="%s" y="%s" font-size="9" fill="#0b0c0c">%s</text>`, num1(x+24), num1(y+1), esc(ln.Label))
		y += 16
	}
	if m.Legend.Sites != "" {
		fmt.Fprintf(sb, `<circle cx="%s" cy="%s" r="6" fill="#0b0c0c" stroke="#ffffff" stroke-width="1.5"/>`, num1(x+9), num1(y-3))
		for _, part := range wrapText(m.Legend.Sites, 28) {
			fmt.Fprintf(sb, `<text x="%s" y="%s" font-size="9" fill="#0b0c0c">%s</text>`, num1(x+24), num1(y+1), esc(part))
			y += 11.5
		}
	}
}

// wrapText breaks s into lines of at most width characters at spaces.
func wrapText(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(s) {
		if cur.Len() > 0 && cur.Len()+1+len(w) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// esc escapes text for SVG and HTML.
func esc(s string) string { return html.EscapeString(s) }
