package tile_test

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"placeplan/geo/tile"
)

func ExampleEncode() {
	fc := geojson.NewFeatureCollection()
	area := geojson.NewFeature(orb.Polygon{{{-1.30, 51.70}, {-1.20, 51.70}, {-1.20, 51.80}, {-1.30, 51.80}, {-1.30, 51.70}}})
	area.Properties = geojson.Properties{"name": "Oxford", "score": 21.5}
	fc.Append(area)

	layer, err := tile.NewLayer("areas", fc, tile.LayerOptions{MaxZoom: 14})
	if err != nil {
		fmt.Println(err)
		return
	}
	cache := tile.NewCache(64 << 20)
	t := maptile.At(orb.Point{-1.25, 51.75}, 10)
	key := tile.CacheKey{Layer: "areas", Revision: 1, Z: uint32(t.Z), X: t.X, Y: t.Y}
	data, ok := cache.Get(key)
	if !ok {
		var n int
		data, n, err = tile.Encode([]*tile.Layer{layer}, t, tile.EncodeOptions{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("encoded %d feature(s) in %d bytes\n", n, len(data))
		cache.Put(key, data)
	}
	_, ok = cache.Get(key)
	fmt.Println("cached:", ok, "hits:", cache.Stats().Hits)
	// Output:
	// encoded 1 feature(s) in 76 bytes
	// cached: true hits: 1
}

func ExampleTileJSON() {
	fc := geojson.NewFeatureCollection()
	area := geojson.NewFeature(orb.Polygon{{{-1.30, 51.70}, {-1.20, 51.70}, {-1.20, 51.80}, {-1.30, 51.80}, {-1.30, 51.70}}})
	area.Properties = geojson.Properties{"name": "Oxford", "score": 21.5}
	fc.Append(area)
	layer, err := tile.NewLayer("areas", fc, tile.LayerOptions{MinZoom: 6, MaxZoom: 14})
	if err != nil {
		fmt.Println(err)
		return
	}
	doc := tile.TileJSON([]*tile.Layer{layer}, "https://example.org/tiles/areas/{z}/{x}/{y}.mvt",
		tile.TileJSONOptions{Name: "areas", Attribution: "© example"})
	b, err := json.MarshalIndent(doc.Map(), "", "  ")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(b))
	// Output:
	// {
	//   "attribution": "© example",
	//   "bounds": [
	//     -1.3,
	//     51.7,
	//     -1.2,
	//     51.8
	//   ],
	//   "center": [
	//     -1.25,
	//     51.75,
	//     11
	//   ],
	//   "maxzoom": 14,
	//   "minzoom": 6,
	//   "name": "areas",
	//   "scheme": "xyz",
	//   "tilejson": "3.0.0",
	//   "tiles": [
	//     "https://example.org/tiles/areas/{z}/{x}/{y}.mvt"
	//   ],
	//   "vector_layers": [
	//     {
	//       "fields": {
	//         "name": "String",
	//         "score": "Number"
	//       },
	//       "id": "areas",
	//       "maxzoom": 14,
	//       "minzoom": 6
	//     }
	//   ]
	// }
}
