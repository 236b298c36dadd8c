package tile

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/orb/geojson"
)

// propTable interns a layer's property keys and values once, at NewLayer,
// so that a tile only has to renumber the ones it uses. Each value is kept
// as its encoded MVT Tile.Value message.
type propTable struct {
	keys   []string
	keyIdx map[string]uint32
	values [][]byte // encoded Tile.Value messages
	valIdx map[valueKey]uint32
}

// valueKey identifies a property value by its MVT type and content.
type valueKey struct {
	field uint8 // the Tile.Value field that holds it (1 string … 7 bool)
	s     string
	n     uint64 // numbers' and booleans' bits
}

// The Tile.Value fields.
const (
	valString = 1
	valFloat  = 2
	valDouble = 3
	valUint   = 5
	valSint   = 6
	valBool   = 7
)

// intern returns props as (key, value) index pairs sorted by key name,
// skipping nil values, and records each key's TileJSON type in types.
func (pt *propTable) intern(props geojson.Properties, types map[string]string) ([]uint32, error) {
	if pt.keyIdx == nil {
		pt.keyIdx = map[string]uint32{}
		pt.valIdx = map[valueKey]uint32{}
	}
	names := make([]string, 0, len(props))
	for k, v := range props {
		if v != nil {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	tags := make([]uint32, 0, 2*len(names))
	for _, k := range names {
		vk, typ, err := propValue(props[k])
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", k, err)
		}
		if old, ok := types[k]; ok && old != typ {
			typ = "Mixed"
		}
		types[k] = typ
		ki, ok := pt.keyIdx[k]
		if !ok {
			ki = uint32(len(pt.keys))
			pt.keys = append(pt.keys, k)
			pt.keyIdx[k] = ki
		}
		vi, ok := pt.valIdx[vk]
		if !ok {
			vi = uint32(len(pt.values))
			pt.values = append(pt.values, vk.message())
			pt.valIdx[vk] = vi
		}
		tags = append(tags, ki, vi)
	}
	return tags, nil
}

// propValue classifies a property value as MVT writes it, with its TileJSON
// field type.
func propValue(v any) (valueKey, string, error) {
	switch v := v.(type) {
	case string:
		return valueKey{field: valString, s: v}, "String", nil
	case bool:
		var n uint64
		if v {
			n = 1
		}
		return valueKey{field: valBool, n: n}, "Boolean", nil
	case float64:
		return valueKey{field: valDouble, n: math.Float64bits(v)}, "Number", nil
	case float32:
		return valueKey{field: valFloat, n: uint64(math.Float32bits(v))}, "Number", nil
	case int:
		return sint(int64(v)), "Number", nil
	case int8:
		return sint(int64(v)), "Number", nil
	case int16:
		return sint(int64(v)), "Number", nil
	case int32:
		return sint(int64(v)), "Number", nil
	case int64:
		return sint(v), "Number", nil
	case uint:
		return valueKey{field: valUint, n: uint64(v)}, "Number", nil
	case uint8:
		return valueKey{field: valUint, n: uint64(v)}, "Number", nil
	case uint16:
		return valueKey{field: valUint, n: uint64(v)}, "Number", nil
	case uint32:
		return valueKey{field: valUint, n: uint64(v)}, "Number", nil
	case uint64:
		return valueKey{field: valUint, n: v}, "Number", nil
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return sint(i), "Number", nil
		}
		if f, err := v.Float64(); err == nil {
			return valueKey{field: valDouble, n: math.Float64bits(f)}, "Number", nil
		}
		return valueKey{field: valString, s: v.String()}, "String", nil
	case fmt.Stringer:
		return valueKey{field: valString, s: v.String()}, "String", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return valueKey{}, "", fmt.Errorf("value of type %T cannot be written to a vector tile: %v", v, err)
	}
	return valueKey{field: valString, s: string(b)}, "String", nil
}

func sint(i int64) valueKey { return valueKey{field: valSint, n: uint64(i)} }

// message returns the encoded Tile.Value message holding the value.
func (vk valueKey) message() []byte {
	var b []byte
	switch vk.field {
	case valString:
		b = appendKey(b, valString, wireBytes)
		b = appendVarint(b, uint64(len(vk.s)))
		b = append(b, vk.s...)
	case valFloat:
		b = appendKey(b, valFloat, wireFixed32)
		n := uint32(vk.n)
		b = append(b, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	case valDouble:
		b = appendKey(b, valDouble, wireFixed64)
		for i := range 8 {
			b = append(b, byte(vk.n>>(8*i)))
		}
	case valUint, valBool:
		b = appendKey(b, int(vk.field), wireVarint)
		b = appendVarint(b, vk.n)
	case valSint:
		i := int64(vk.n)
		b = appendKey(b, valSint, wireVarint)
		b = appendVarint(b, uint64(i<<1)^uint64(i>>63))
	}
	return b
}

// featureID returns the MVT id of a GeoJSON feature id: a non-negative
// integer, given as a number or a string of digits.
func featureID(id any) (uint64, bool) {
	switch v := id.(type) {
	case float64:
		if v >= 0 && v == math.Trunc(v) && v < 1<<63 {
			return uint64(v), true
		}
	case int:
		if v >= 0 {
			return uint64(v), true
		}
	case int64:
		if v >= 0 {
			return uint64(v), true
		}
	case uint64:
		return v, true
	case uint32:
		return uint64(v), true
	case int32:
		if v >= 0 {
			return uint64(v), true
		}
	case string:
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			return n, true
		}
	}
	return 0, false
}

// Protocol-buffer wire types.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

func appendKey(b []byte, field, wire int) []byte {
	return appendVarint(b, uint64(field)<<3|uint64(wire))
}

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func varintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
