package geo

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/project"
)

// The British National Grid ⇄ WGS84 transformation follows Ordnance Survey,
// "A guide to coordinate systems in Great Britain": the National Grid's
// Transverse Mercator projection of the Airy 1830 ellipsoid (its constants
// as in the guide; evaluated by Krüger's series, see tmForward), geodetic ⇄
// Cartesian conversion (annexe B) and the seven-parameter Helmert
// transformation between OSGB36 and WGS84 that the guide gives.
//
// The Helmert parameters are the guide's WGS84→OSGB36 set; OSGB36→WGS84
// uses them with every sign changed, as the guide says, which is also what
// PROJ does for EPSG:1314 "OSGB36 to WGS 84 (6)" (PROJ rounds rx, rz and s
// to fewer decimals: a difference of under 1 cm). WGS84→OSGB36 uses the
// exact algebraic inverse of that step, so that a round trip returns to the
// same point. Heights are taken as zero on the source ellipsoid and the
// height change is dropped, as PROJ does for 2D coordinates.
//
// The Helmert transformation is good to about 5 m across Great Britain
// (typically 1–3 m) compared with the definitive OSTN15 grid, which this
// package does not carry.

// Airy 1830 ellipsoid (OSGB36), metres.
const (
	airyAM = 6377563.396
	airyBM = 6356256.909
	airyE2 = (airyAM*airyAM - airyBM*airyBM) / (airyAM * airyAM)
	airyN  = (airyAM - airyBM) / (airyAM + airyBM)
)

// WGS84 ellipsoid, metres (PROJ's +ellps=WGS84; GRS80 differs by 0.1 mm in b).
const (
	wgs84AM = 6378137.0
	wgs84F  = 1 / 298.257223563
	wgs84E2 = wgs84F * (2 - wgs84F)
)

// National Grid projection constants.
const (
	bngF0       = 0.9996012717 // scale factor on the central meridian
	bngLat0Rad  = 49 * math.Pi / 180
	bngLon0Rad  = -2 * math.Pi / 180
	bngE0M      = 400000.0  // false easting, metres
	bngN0M      = -100000.0 // false northing, metres
	arcSecToRad = math.Pi / (180 * 3600)
)

// Helmert OSGB36→WGS84, position-vector convention, small-angle rotation
// matrix: X' = T + (1+s)·R·X. These are the guide's WGS84→OSGB36 values
// (tx −446.448, ty +125.157, tz −542.060 m, s +20.4894 ppm, rx −0.1502″,
// ry −0.2470″, rz −0.8421″) with the signs reversed.
const (
	helmTxM   = 446.448
	helmTyM   = -125.157
	helmTzM   = 542.060
	helmS     = -20.4894e-6
	helmRxRad = 0.1502 * arcSecToRad
	helmRyRad = 0.2470 * arcSecToRad
	helmRzRad = 0.8421 * arcSecToRad
)

// Exact inverse of R = I + K (K the skew matrix of ω = (rx, ry, rz)):
// R⁻¹ = (I − K + ωωᵀ) / (1 + |ω|²), evaluated as untyped constants.
const (
	helmDet = 1 + helmRxRad*helmRxRad + helmRyRad*helmRyRad + helmRzRad*helmRzRad
	inv00   = (1 + helmRxRad*helmRxRad) / helmDet
	inv01   = (helmRzRad + helmRxRad*helmRyRad) / helmDet
	inv02   = (-helmRyRad + helmRxRad*helmRzRad) / helmDet
	inv10   = (-helmRzRad + helmRyRad*helmRxRad) / helmDet
	inv11   = (1 + helmRyRad*helmRyRad) / helmDet
	inv12   = (helmRxRad + helmRyRad*helmRzRad) / helmDet
	inv20   = (helmRyRad + helmRzRad*helmRxRad) / helmDet
	inv21   = (-helmRxRad + helmRzRad*helmRyRad) / helmDet
	inv22   = (1 + helmRzRad*helmRzRad) / helmDet
)

// Limits of plausible British National Grid coordinates, metres. The
// EPSG:27700 area of use spans about E −104 km…688 km, N −16 km…1,340 km;
// these bounds are wider and only catch data that is not BNG at all.
const (
	bngMinEastingM  = -200000.0
	bngMaxEastingM  = 900000.0
	bngMinNorthingM = -200000.0
	bngMaxNorthingM = 1500000.0
)

// ErrUnknownCRS is returned when a geometry's coordinate reference system
// is unknown or not one geo can transform.
var ErrUnknownCRS = errors.New("unknown coordinate reference system")

// ErrOutsideGrid is returned when a coordinate said to be British National
// Grid is non-finite or lies far outside the grid, which usually means the
// data is in another CRS.
var ErrOutsideGrid = errors.New("coordinate outside the british national grid")

// BNGToWGS84 converts a British National Grid (EPSG:27700) easting and
// northing in metres to WGS84 (EPSG:4326) longitude and latitude in
// degrees, using the OSGB36→WGS84 Helmert transformation (about 5 m
// accuracy at worst, typically 1–3 m, against OSTN15).
func BNGToWGS84(eastingM, northingM float64) (lonDeg, latDeg float64) {
	latRad, lonRad := tmInverse(eastingM, northingM)
	x, y, z := toCartesian(latRad, lonRad, airyAM, airyE2)
	// X' = T + (1+s)·R·X
	k := 1 + helmS
	xw := helmTxM + k*(x-helmRzRad*y+helmRyRad*z)
	yw := helmTyM + k*(helmRzRad*x+y-helmRxRad*z)
	zw := helmTzM + k*(-helmRyRad*x+helmRxRad*y+z)
	latRad, lonRad = fromCartesian(xw, yw, zw, wgs84AM, wgs84E2)
	return lonRad * 180 / math.Pi, latRad * 180 / math.Pi
}

// WGS84ToBNG converts a WGS84 (EPSG:4326) longitude and latitude in degrees
// to a British National Grid (EPSG:27700) easting and northing in metres.
// It inverts BNGToWGS84 to well under a micrometre, so round trips return
// to the same point; outside Great Britain the result is a valid but
// meaningless extrapolation of the grid.
func WGS84ToBNG(lonDeg, latDeg float64) (eastingM, northingM float64) {
	eastingM, northingM = wgs84ToBNGDirect(lonDeg, latDeg)
	// The direct formula drops the ellipsoidal height the Helmert step
	// produces (as PROJ does), so it misses the exact inverse by up to a
	// millimetre; one fixed-point step removes that.
	lon, lat := BNGToWGS84(eastingM, northingM)
	e2, n2 := wgs84ToBNGDirect(lon, lat)
	return eastingM + (eastingM - e2), northingM + (northingM - n2)
}

// wgs84ToBNGDirect applies the inverse Helmert transformation to the WGS84
// point at zero height and projects the OSGB36 result.
func wgs84ToBNGDirect(lonDeg, latDeg float64) (eastingM, northingM float64) {
	x, y, z := toCartesian(latDeg*math.Pi/180, lonDeg*math.Pi/180, wgs84AM, wgs84E2)
	// X = R⁻¹·(X' − T) / (1+s)
	k := 1 / (1 + helmS)
	x, y, z = (x-helmTxM)*k, (y-helmTyM)*k, (z-helmTzM)*k
	xa := inv00*x + inv01*y + inv02*z
	ya := inv10*x + inv11*y + inv12*z
	za := inv20*x + inv21*y + inv22*z
	latRad, lonRad := fromCartesian(xa, ya, za, airyAM, airyE2)
	return tmForward(latRad, lonRad)
}

// Transverse Mercator by Krüger's series in the third flattening n, to
// sixth order (C. F. F. Karney, "Transverse Mercator with an accuracy of a
// few nanometers", J. Geodesy 85 (2011), eqs. 7–36; EPSG Guidance Note 7-2
// uses the same series to fourth order, and PROJ's default tmerc agrees
// to micrometres). The guide's annexe C (Redfearn) series is equivalent
// near the central meridian, but its forward and inverse formulae drift
// apart by up to 1 cm at the grid's western edge, which would spoil
// millimetre round trips.
const (
	n1 = airyN
	n2 = n1 * n1
	n3 = n2 * n1
	n4 = n3 * n1
	n5 = n4 * n1
	n6 = n5 * n1

	// rectA is the rectifying radius times F0, metres.
	rectA = bngF0 * airyAM / (1 + n1) * (1 + n2/4 + n4/64 + n6/256)

	alpha1 = n1/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800
	alpha2 = 13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360
	alpha3 = 61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440
	alpha4 = 49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600
	alpha5 = 34729*n5/80640 - 3418889*n6/1995840
	alpha6 = 212378941 * n6 / 319334400

	beta1 = n1/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800
	beta2 = n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720
	beta3 = 17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720
	beta4 = 4397*n4/161280 - 11*n5/504 - 830251*n6/7257600
	beta5 = 4583*n5/161280 - 108847*n6/3991680
	beta6 = 20648693 * n6 / 638668800
)

// sumSin2 evaluates z + Σⱼ c[j-1]·sin(2jz) for complex z by Clenshaw
// summation (Karney 2011, eq. 59).
func sumSin2(z complex128, c *[6]float64) complex128 {
	sx, cx := math.Sincos(2 * real(z))
	sh, ch := math.Sinh(2*imag(z)), math.Cosh(2*imag(z))
	sin2z := complex(sx*ch, cx*sh)
	y := 2 * complex(cx*ch, -sx*sh) // 2·cos(2z)
	var b1, b2 complex128
	for j := 5; j >= 0; j-- {
		b1, b2 = complex(c[j], 0)+y*b1-b2, b1
	}
	return z + b1*sin2z
}

// conformalTau returns tan χ, the tangent of the conformal latitude, for
// tau = tan φ on the Airy ellipsoid (Karney 2011, eq. 7).
func conformalTau(tau, e float64) float64 {
	sq := math.Sqrt(1 + tau*tau)
	sigma := math.Sinh(e * math.Atanh(e*tau/sq))
	return tau*math.Sqrt(1+sigma*sigma) - sigma*sq
}

// bngOriginXiM is the northing distance, in metres and scaled by F0, from
// the equator to the true origin's latitude (49°N) along the central
// meridian: rectA·ξ(49°, 0). TestBNGOriginXi recomputes it.
const bngOriginXiM = 5427063.8145511355

// tmForward projects OSGB36 latitude and longitude (radians) to National
// Grid easting and northing in metres.
func tmForward(latRad, lonRad float64) (eastingM, northingM float64) {
	e := math.Sqrt(airyE2)
	dl := lonRad - bngLon0Rad
	sinL, cosL := math.Sincos(dl)
	tp := conformalTau(math.Tan(latRad), e)
	xip := math.Atan2(tp, cosL)
	etap := math.Asinh(sinL / math.Hypot(tp, cosL))
	alpha := [6]float64{alpha1, alpha2, alpha3, alpha4, alpha5, alpha6}
	z := sumSin2(complex(xip, etap), &alpha)
	return bngE0M + rectA*imag(z), bngN0M + rectA*real(z) - bngOriginXiM
}

// tmInverse unprojects National Grid easting and northing (metres) to
// OSGB36 latitude and longitude in radians.
func tmInverse(eastingM, northingM float64) (latRad, lonRad float64) {
	if math.IsNaN(eastingM) || math.IsNaN(northingM) || math.IsInf(eastingM, 0) || math.IsInf(northingM, 0) {
		return math.NaN(), math.NaN()
	}
	e := math.Sqrt(airyE2)
	xi := (northingM - bngN0M + bngOriginXiM) / rectA
	eta := (eastingM - bngE0M) / rectA
	beta := [6]float64{-beta1, -beta2, -beta3, -beta4, -beta5, -beta6}
	z := sumSin2(complex(xi, eta), &beta)
	xip, etap := real(z), imag(z)
	sinXi, cosXi := math.Sincos(xip)
	sinhEta := math.Sinh(etap)
	lonRad = bngLon0Rad + math.Atan2(sinhEta, cosXi)
	tp := sinXi / math.Hypot(sinhEta, cosXi)
	// Newton's method for tan φ from tan χ (Karney 2011, eqs. 19–21).
	tau := tp / (1 - airyE2)
	for range 8 {
		tpi := conformalTau(tau, e)
		d := (tp - tpi) / math.Sqrt(1+tpi*tpi) * (1 + (1-airyE2)*tau*tau) /
			((1 - airyE2) * math.Sqrt(1+tau*tau))
		tau += d
		if math.Abs(d) <= 1e-14*math.Max(1, math.Abs(tau)) {
			break
		}
	}
	return math.Atan(tau), lonRad
}

// toCartesian converts geodetic latitude and longitude (radians, height
// zero) on an ellipsoid with semi-major axis aM and eccentricity squared e2
// to Earth-centred Cartesian X, Y, Z in metres (guide annexe B).
func toCartesian(latRad, lonRad, aM, e2 float64) (xM, yM, zM float64) {
	sinLat, cosLat := math.Sincos(latRad)
	sinLon, cosLon := math.Sincos(lonRad)
	nu := aM / math.Sqrt(1-e2*sinLat*sinLat)
	return nu * cosLat * cosLon, nu * cosLat * sinLon, (1 - e2) * nu * sinLat
}

// fromCartesian converts Earth-centred Cartesian coordinates (metres) to
// geodetic latitude and longitude in radians on the given ellipsoid by the
// guide's iteration (annexe B), started from Bowring's estimate so that
// one or two steps reach 1e-13 rad (under 1 µm).
func fromCartesian(xM, yM, zM, aM, e2 float64) (latRad, lonRad float64) {
	lonRad = math.Atan2(yM, xM)
	p := math.Sqrt(xM*xM + yM*yM)
	bM := aM * math.Sqrt(1-e2)
	ep2 := e2 / (1 - e2) // second eccentricity squared
	sinT, cosT := math.Sincos(math.Atan2(zM*aM, p*bM))
	latRad = math.Atan2(zM+ep2*bM*sinT*sinT*sinT, p-e2*aM*cosT*cosT*cosT)
	for range 10 {
		sinLat := math.Sin(latRad)
		nu := aM / math.Sqrt(1-e2*sinLat*sinLat)
		next := math.Atan2(zM+e2*nu*sinLat, p)
		done := math.Abs(next-latRad) < 1e-13
		latRad = next
		if done {
			break
		}
	}
	return latRad, lonRad
}

// DistanceM returns the great-circle (haversine) distance in metres between
// two WGS84 points given as lon,lat degrees, on a sphere of radius
// 6,378,137 m (orb/geo's Earth radius).
func DistanceM(a, b orb.Point) float64 {
	return orbgeo.Distance(a, b)
}

// ToWGS84 returns a copy of g reprojected from the CRS from to WGS84
// (lon,lat degrees). A WGS84 geometry comes back as an unchanged copy; a
// BNG geometry is converted point by point with BNGToWGS84, and a BNG
// orb.Bound becomes the bound of its densified, converted outline. A nil
// geometry gives nil. It returns an error wrapping ErrUnknownCRS for any
// other CRS, and one wrapping ErrOutsideGrid when a BNG coordinate is
// non-finite or far outside the grid.
func ToWGS84(g orb.Geometry, from CRS) (orb.Geometry, error) {
	if g == nil {
		return nil, nil
	}
	switch from {
	case WGS84:
		return orb.Clone(g), nil
	case BNG:
	default:
		return nil, fmt.Errorf("reproject to wgs84: %w", ErrUnknownCRS)
	}
	if err := checkBNG(g); err != nil {
		return nil, err
	}
	return bngToWGS84Geometry(g), nil
}

// ToBNG returns a British National Grid (EPSG:27700, metres) copy of a
// WGS84 geometry, converted point by point with WGS84ToBNG. A nil
// geometry gives nil.
func ToBNG(g orb.Geometry) orb.Geometry {
	if g == nil {
		return nil
	}
	return project.Geometry(orb.Clone(g), func(p orb.Point) orb.Point {
		e, n := WGS84ToBNG(p[0], p[1])
		return orb.Point{e, n}
	})
}

// checkBNG returns an error wrapping ErrOutsideGrid for the first
// coordinate of g that is not plausibly British National Grid.
func checkBNG(g orb.Geometry) error {
	var bad orb.Point
	found := false
	eachPoint(g, func(p orb.Point) bool {
		if !(p[0] >= bngMinEastingM && p[0] <= bngMaxEastingM && p[1] >= bngMinNorthingM && p[1] <= bngMaxNorthingM) {
			bad, found = p, true
			return false
		}
		return true
	})
	if found {
		return fmt.Errorf("easting %g m, northing %g m: %w", bad[0], bad[1], ErrOutsideGrid)
	}
	return nil
}

// eachPoint calls fn for every coordinate of g until fn returns false.
// A Bound yields its two corners.
func eachPoint(g orb.Geometry, fn func(orb.Point) bool) bool {
	switch g := g.(type) {
	case orb.Point:
		return fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			if !fn(p) {
				return false
			}
		}
	case orb.LineString:
		return eachPoint(orb.MultiPoint(g), fn)
	case orb.Ring:
		return eachPoint(orb.MultiPoint(g), fn)
	case orb.MultiLineString:
		for _, ls := range g {
			if !eachPoint(orb.MultiPoint(ls), fn) {
				return false
			}
		}
	case orb.Polygon:
		for _, r := range g {
			if !eachPoint(orb.MultiPoint(r), fn) {
				return false
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if !eachPoint(p, fn) {
				return false
			}
		}
	case orb.Collection:
		for _, c := range g {
			if !eachPoint(c, fn) {
				return false
			}
		}
	case orb.Bound:
		return fn(g.Min) && fn(g.Max)
	}
	return true
}

// bngPoints returns a converted copy of a BNG point slice.
func bngPoints(ps []orb.Point) []orb.Point {
	if ps == nil {
		return nil
	}
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		out[i][0], out[i][1] = BNGToWGS84(p[0], p[1])
	}
	return out
}

// bngToWGS84Geometry returns a WGS84 copy of a BNG geometry.
func bngToWGS84Geometry(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		lon, lat := BNGToWGS84(g[0], g[1])
		return orb.Point{lon, lat}
	case orb.MultiPoint:
		return orb.MultiPoint(bngPoints(g))
	case orb.LineString:
		return orb.LineString(bngPoints(g))
	case orb.Ring:
		return orb.Ring(bngPoints(g))
	case orb.MultiLineString:
		if g == nil {
			return orb.MultiLineString(nil)
		}
		out := make(orb.MultiLineString, len(g))
		for i, ls := range g {
			out[i] = bngPoints(ls)
		}
		return out
	case orb.Polygon:
		if g == nil {
			return orb.Polygon(nil)
		}
		out := make(orb.Polygon, len(g))
		for i, r := range g {
			out[i] = bngPoints(r)
		}
		return out
	case orb.MultiPolygon:
		if g == nil {
			return orb.MultiPolygon(nil)
		}
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = bngToWGS84Geometry(p).(orb.Polygon)
		}
		return out
	case orb.Collection:
		if g == nil {
			return orb.Collection(nil)
		}
		out := make(orb.Collection, len(g))
		for i, c := range g {
			out[i] = bngToWGS84Geometry(c)
		}
		return out
	case orb.Bound:
		return bngBoundToWGS84(g)
	}
	return orb.Clone(g)
}

// bngBoundToWGS84 returns the WGS84 bound of a BNG rectangle. Grid lines
// are not meridians or parallels, so the outline is densified (16 points a
// side) before converting: the curvature between samples is far below a
// metre for any rectangle inside Great Britain.
func bngBoundToWGS84(b orb.Bound) orb.Bound {
	const steps = 16
	lon, lat := BNGToWGS84(b.Min[0], b.Min[1])
	out := orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon, lat}}
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	for i := 0; i <= steps; i++ {
		f := float64(i) / steps
		for _, p := range [4]orb.Point{
			{b.Min[0] + f*w, b.Min[1]},
			{b.Min[0] + f*w, b.Max[1]},
			{b.Min[0], b.Min[1] + f*h},
			{b.Max[0], b.Min[1] + f*h},
		} {
			lon, lat := BNGToWGS84(p[0], p[1])
			out = out.Extend(orb.Point{lon, lat})
		}
	}
	return out
}
