// Package wire holds the JSON documents placeplan's CLI and HTTP API
// exchange, with explicit converters from the domain types (which carry no
// tags), and the tables both print as CSV (Table). Converters only
// convert: small-number suppression has been applied by the use cases
// before a result reaches them.
package wire

import "math"

// CoordFactor rounds WGS84 coordinates to 6 decimal places (about 0.1 m)
// on the wire, for orb.Round and RoundCoord.
const CoordFactor = 1e6

// RoundCoord rounds a WGS84 coordinate to 6 decimal places.
func RoundCoord(v float64) float64 { return math.Round(v*CoordFactor) / CoordFactor }

// Finite is v when it is a finite number (JSON cannot carry NaN or ±Inf),
// else nil (null on the wire).
func Finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// dateLayout is how dates are written on the wire.
const dateLayout = "2006-01-02"
