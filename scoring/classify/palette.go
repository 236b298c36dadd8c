package classify

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"placeplan"
)

// PaletteKind says how a palette orders its colours.
type PaletteKind string

// The palette kinds.
const (
	// Sequential palettes run from light (low values) to dark (high
	// values), for data ordered from low to high.
	Sequential PaletteKind = "sequential"
	// Diverging palettes run from one dark hue through a light neutral to
	// another dark hue, for data with a meaningful midpoint such as the mean.
	Diverging PaletteKind = "diverging"
)

// PaletteInfo describes a named palette.
type PaletteInfo struct {
	// Name is the name Palette accepts.
	Name string
	// Kind is sequential or diverging.
	Kind PaletteKind
	// ColorBlindSafe reports whether the palette stays distinguishable for
	// readers with the common colour-vision deficiencies (protanopia,
	// deuteranopia, tritanopia), as rated by its authors.
	ColorBlindSafe bool
	// Source names where the colours come from.
	Source string
}

// palette is a named set of hand-tuned colour lists, one per class count
// from minK to len(lists)+minK−1.
type palette struct {
	info  PaletteInfo
	minK  int
	lists [][]string
}

const (
	colorBrewer = "ColorBrewer 2.0 (Cynthia Brewer, colorbrewer2.org; Apache License 2.0)"
	viridisSrc  = "matplotlib viridis (van der Walt & Smith, CC0), sampled evenly from its 256-colour table"
	cividisSrc  = "matplotlib cividis (Nuñez, Anderton & Renslow 2018), sampled evenly from its 256-colour table"
)

// The palettes. The ColorBrewer schemes are those Brewer rates colour-blind
// safe for every class count (every sequential scheme, and the diverging
// RdBu and PuOr); viridis and cividis were designed to be (cividis for
// red–green deficiencies in particular) and stay legible in greyscale.
// Diverging schemes avoid red–green pairs (RdYlGn, Spectral), which are
// not colour-blind safe and are not offered.
var palettes = []palette{
	{PaletteInfo{"YlOrRd", Sequential, true, colorBrewer}, 3, [][]string{
		{"#ffeda0", "#feb24c", "#f03b20"},
		{"#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"},
		{"#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"},
		{"#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"},
		{"#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"},
		{"#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"},
		{"#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"},
	}},
	{PaletteInfo{"OrRd", Sequential, true, colorBrewer}, 3, [][]string{
		{"#fee8c8", "#fdbb84", "#e34a33"},
		{"#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"},
		{"#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"},
		{"#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"},
		{"#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"},
		{"#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"},
		{"#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#b30000", "#7f0000"},
	}},
	{PaletteInfo{"YlGnBu", Sequential, true, colorBrewer}, 3, [][]string{
		{"#edf8b1", "#7fcdbb", "#2c7fb8"},
		{"#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"},
		{"#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"},
		{"#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"},
		{"#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"},
		{"#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"},
		{"#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"},
	}},
	{PaletteInfo{"Blues", Sequential, true, colorBrewer}, 3, [][]string{
		{"#deebf7", "#9ecae1", "#3182bd"},
		{"#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"},
		{"#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"},
		{"#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"},
		{"#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"},
		{"#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"},
		{"#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"},
	}},
	{PaletteInfo{"Greens", Sequential, true, colorBrewer}, 3, [][]string{
		{"#e5f5e0", "#a1d99b", "#31a354"},
		{"#edf8e9", "#bae4b3", "#74c476", "#238b45"},
		{"#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"},
		{"#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c"},
		{"#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#005a32"},
		{"#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#005a32"},
		{"#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#006d2c", "#00441b"},
	}},
	{PaletteInfo{"Purples", Sequential, true, colorBrewer}, 3, [][]string{
		{"#efedf5", "#bcbddc", "#756bb1"},
		{"#f2f0f7", "#cbc9e2", "#9e9ac8", "#6a51a3"},
		{"#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"},
		{"#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"},
		{"#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"},
		{"#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"},
		{"#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d"},
	}},
	{PaletteInfo{"viridis", Sequential, true, viridisSrc}, 3, [][]string{
		{"#440154", "#21918c", "#fde725"},
		{"#440154", "#31688e", "#35b779", "#fde725"},
		{"#440154", "#3b528b", "#21918c", "#5cc863", "#fde725"},
		{"#440154", "#414487", "#2a788e", "#22a884", "#7ad151", "#fde725"},
		{"#440154", "#443a83", "#31688e", "#21918c", "#35b779", "#90d743", "#fde725"},
		{"#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"},
		{"#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#27ad81", "#5cc863", "#aadc32", "#fde725"},
	}},
	{PaletteInfo{"cividis", Sequential, true, cividisSrc}, 3, [][]string{
		{"#00224e", "#7d7c78", "#fee838"},
		{"#00224e", "#575d6d", "#a59c74", "#fee838"},
		{"#00224e", "#434e6c", "#7d7c78", "#bbad6d", "#fee838"},
		{"#00224e", "#35456c", "#666970", "#948e77", "#c8b866", "#fee838"},
		{"#00224e", "#2b406d", "#575d6d", "#7d7c78", "#a59c74", "#d2c060", "#fee838"},
		{"#00224e", "#213b6e", "#4c556c", "#6c6e72", "#8e8978", "#b1a570", "#d9c55c", "#fee838"},
		{"#00224e", "#1a386f", "#434e6c", "#61656f", "#7d7c78", "#9a9376", "#bbad6d", "#ddc858", "#fee838"},
	}},
	{PaletteInfo{"RdBu", Diverging, true, colorBrewer}, 3, [][]string{
		{"#ef8a62", "#f7f7f7", "#67a9cf"},
		{"#ca0020", "#f4a582", "#92c5de", "#0571b0"},
		{"#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"},
		{"#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"},
		{"#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac"},
		{"#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac"},
		{"#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac"},
		{"#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"},
		{"#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"},
	}},
	{PaletteInfo{"PuOr", Diverging, true, colorBrewer}, 3, [][]string{
		{"#f1a340", "#f7f7f7", "#998ec3"},
		{"#e66101", "#fdb863", "#b2abd2", "#5e3c99"},
		{"#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99"},
		{"#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788"},
		{"#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"},
		{"#b35806", "#e08214", "#fdb863", "#fee0b6", "#d8daeb", "#b2abd2", "#8073ac", "#542788"},
		{"#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7", "#d8daeb", "#b2abd2", "#8073ac", "#542788"},
		{"#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6", "#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"},
		{"#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7", "#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"},
	}},
}

// Palettes describes every named palette, in a fixed order: the sequential
// YlOrRd, OrRd, YlGnBu, Blues, Greens, Purples, viridis and cividis, then
// the diverging RdBu and PuOr. All are colour-blind safe.
func Palettes() []PaletteInfo {
	out := make([]PaletteInfo, len(palettes))
	for i, p := range palettes {
		out[i] = p.info
	}
	return out
}

// Palette returns k colours ("#rrggbb", lowest class first) of the named
// palette. Names are matched without regard to case; a "_r" suffix reverses
// the palette ("RdBu_r" runs blue to red). For class counts the palette's
// authors tuned (3–9 for sequential, 3–11 for diverging palettes) the
// colours are theirs; for other counts from 1 to MaxClasses they are
// sampled evenly along the largest tuned list, interpolating in CIELAB
// (one class takes the middle colour). Errors have code placeplan.EINVALID.
func Palette(name string, k int) ([]string, error) {
	base, reverse := strings.CutSuffix(strings.TrimSpace(name), "_r")
	i := slices.IndexFunc(palettes, func(p palette) bool { return strings.EqualFold(p.info.Name, base) })
	if i < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "unknown palette %q: want one of %s", name, paletteNames())
	}
	if k < 1 || k > MaxClasses {
		return nil, placeplan.Errorf(placeplan.EINVALID, "palette %q with %d colours: want 1 to %d", name, k, MaxClasses)
	}
	p := palettes[i]
	var out []string
	if j := k - p.minK; j >= 0 && j < len(p.lists) {
		out = slices.Clone(p.lists[j])
	} else {
		out = sampleLab(p.lists[len(p.lists)-1], k)
	}
	if reverse {
		slices.Reverse(out)
	}
	return out, nil
}

func paletteNames() string {
	names := make([]string, len(palettes))
	for i, p := range palettes {
		names[i] = p.info.Name
	}
	return strings.Join(names, ", ")
}

// sampleLab returns k colours evenly spaced along the piecewise-linear ramp
// through ramp's colours in CIELAB (D65).
func sampleLab(ramp []string, k int) []string {
	labs := make([][3]float64, len(ramp))
	for i, h := range ramp {
		labs[i] = srgbToLab(parseHex(h))
	}
	out := make([]string, k)
	for i := range k {
		t := 0.5
		if k > 1 {
			t = float64(i) / float64(k-1)
		}
		pos := t * float64(len(ramp)-1)
		a := min(int(pos), len(ramp)-2)
		f := pos - float64(a)
		var lab [3]float64
		for c := range 3 {
			lab[c] = labs[a][c]*(1-f) + labs[a+1][c]*f
		}
		out[i] = formatHex(labToSRGB(lab))
	}
	return out
}

func parseHex(h string) [3]float64 {
	var r, g, b uint8
	if _, err := fmt.Sscanf(h, "#%02x%02x%02x", &r, &g, &b); err != nil {
		panic("classify: bad palette colour " + h) // the tables are constant
	}
	return [3]float64{float64(r) / 255, float64(g) / 255, float64(b) / 255}
}

func formatHex(rgb [3]float64) string {
	var v [3]int
	for c := range 3 {
		v[c] = int(math.Round(math.Min(math.Max(rgb[c], 0), 1) * 255))
	}
	return fmt.Sprintf("#%02x%02x%02x", v[0], v[1], v[2])
}

// D65 reference white, CIE XYZ with Y = 1.
const whiteX, whiteY, whiteZ = 0.95047, 1.0, 1.08883

func srgbToLab(c [3]float64) [3]float64 {
	var lin [3]float64
	for i, v := range c {
		if v <= 0.04045 {
			lin[i] = v / 12.92
		} else {
			lin[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	x := 0.4124564*lin[0] + 0.3575761*lin[1] + 0.1804375*lin[2]
	y := 0.2126729*lin[0] + 0.7151522*lin[1] + 0.0721750*lin[2]
	z := 0.0193339*lin[0] + 0.1191920*lin[1] + 0.9503041*lin[2]
	fx, fy, fz := labF(x/whiteX), labF(y/whiteY), labF(z/whiteZ)
	return [3]float64{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

func labToSRGB(lab [3]float64) [3]float64 {
	fy := (lab[0] + 16) / 116
	fx := fy + lab[1]/500
	fz := fy - lab[2]/200
	x, y, z := whiteX*labFInv(fx), whiteY*labFInv(fy), whiteZ*labFInv(fz)
	lin := [3]float64{
		3.2404542*x - 1.5371385*y - 0.4985314*z,
		-0.9692660*x + 1.8760108*y + 0.0415560*z,
		0.0556434*x - 0.2040259*y + 1.0572252*z,
	}
	var out [3]float64
	for i, v := range lin {
		if v <= 0.0031308 {
			out[i] = 12.92 * v
		} else {
			out[i] = 1.055*math.Pow(v, 1/2.4) - 0.055
		}
	}
	return out
}

const labEpsilon = 216.0 / 24389.0
const labKappa = 24389.0 / 27.0

func labF(t float64) float64 {
	if t > labEpsilon {
		return math.Cbrt(t)
	}
	return (labKappa*t + 16) / 116
}

func labFInv(f float64) float64 {
	if f3 := f * f * f; f3 > labEpsilon {
		return f3
	}
	return (116*f - 16) / labKappa
}
