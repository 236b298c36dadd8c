package classify_test

import (
	"fmt"
	"math"

	"placeplan/scoring/classify"
)

func ExampleBreaks() {
	scores := []float64{4.1, 5.0, 5.2, 6.3, 12.8, 13.5, 14.0, 31.2, 35.9, math.NaN()}
	c, err := classify.Breaks(scores, classify.Jenks, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d classes of %d values (%d NaN ignored), GVF %.3f\n", c.Method.Label(), c.Classes(), c.N, c.NaN, c.GVF)
	for i := range c.Classes() {
		fmt.Printf("%v to %v: %d values, %s\n", c.Breaks[i], c.Breaks[i+1], c.Counts[i], c.Colors[i])
	}
	// Output:
	// natural breaks (Jenks): 3 classes of 9 values (1 NaN ignored), GVF 0.987
	// 4.1 to 6.3: 4 values, #ffeda0
	// 6.3 to 14: 3 values, #feb24c
	// 14 to 35.9: 2 values, #f03b20
}

func ExamplePalette() {
	colours, err := classify.Palette("cividis", 4)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(colours)
	// Output: [#00224e #575d6d #a59c74 #fee838]
}
