package report

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart is a step chart of shares over the phases of a rollout: each
// series is a cumulative share (0–1) at the start of each phase, held
// until the next.
type Chart struct {
	ID         string // unique within the page: the SVG's labelling references are made from it
	Title, Alt string
	XLabels    []string // one per phase: its start date
	YLabel     string
	Series     []ChartSeries
	WidthPt    float64
	HeightPt   float64
}

// ChartSeries is one line of a chart: a share per phase, NaN for none.
type ChartSeries struct {
	Label  string
	Values []float64
	Colour color.RGBA
	Dashed bool
}

// SVG draws the chart with gonum/plot as an SVG element labelled for
// assistive technology.
func (c *Chart) SVG() (string, error) {
	p := plot.New()
	p.Y.Label.Text = c.YLabel
	p.Y.Min, p.Y.Max = 0, 100
	p.Y.Tick.Marker = plot.ConstantTicks(percentTicks())
	n := len(c.XLabels)
	p.X.Min, p.X.Max = -0.3, float64(n)-0.7
	ticks := make([]plot.Tick, n)
	for i, l := range c.XLabels {
		ticks[i] = plot.Tick{Value: float64(i), Label: l}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Add(plotter.NewGrid())
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), vg.Points(-4)
	for _, s := range c.Series {
		xys := make(plotter.XYs, 0, n)
		for i, v := range s.Values {
			if v == v { // not NaN
				xys = append(xys, plotter.XY{X: float64(i), Y: 100 * v})
			}
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return "", fmt.Errorf("chart %s: series %q: %w", c.ID, s.Label, err)
		}
		line.StepStyle = plotter.PostStep
		line.Color, points.Color = s.Colour, s.Colour
		line.Width = vg.Points(2)
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(3)
		if s.Dashed {
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			points.Shape = draw.SquareGlyph{}
		}
		p.Add(line, points)
		p.Legend.Add(s.Label, line, points)
	}
	canvas := vgsvg.New(vg.Points(c.WidthPt), vg.Points(c.HeightPt))
	p.Draw(draw.New(canvas))
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("chart %s: %w", c.ID, err)
	}
	return labelSVG(buf.String(), c.ID, c.Title, c.Alt), nil
}

// percentTicks are the y axis ticks of a share in per cent.
func percentTicks() []plot.Tick {
	var ticks []plot.Tick
	for v := 0; v <= 100; v += 20 {
		ticks = append(ticks, plot.Tick{Value: float64(v), Label: fmt.Sprintf("%d %%", v)})
	}
	return ticks
}

// labelSVG turns a standalone SVG document into an inline <svg> element
// with role="img", a <title> and a <desc>: it drops the XML prolog and
// comments before the element.
func labelSVG(doc, id, title, alt string) string {
	i := strings.Index(doc, "<svg")
	if i < 0 {
		return doc
	}
	doc = doc[i:]
	end := strings.IndexByte(doc, '>')
	open := strings.TrimSuffix(doc[:end], "/")
	return open + fmt.Sprintf(` role="img" aria-labelledby="%s-t %[1]s-d"><title id="%[1]s-t">%s</title><desc id="%[1]s-d">%s</desc>`,
		id, esc(title), esc(alt)) + doc[end+1:]
}
