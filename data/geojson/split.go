package geojson

import (
	"errors"
	"runtime"
	"sync"

	"github.com/paulmach/orb/geojson"
)

// errNotSplittable sends the caller back to the plain decoder, whose error
// messages name the line and column of a syntax error.
var errNotSplittable = errors.New("not a splittable feature collection")

// splitFeatureCollection finds the top-level members of a JSON object and
// the elements of its "features" array without decoding them, so features
// can be decoded in parallel. It does not validate JSON: each piece is
// decoded (and checked) afterwards.
func splitFeatureCollection(b []byte) (members map[string][]byte, features [][]byte, err error) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, nil, errNotSplittable
	}
	members = map[string][]byte{}
	i = skipWS(b, i+1)
	for i < len(b) && b[i] != '}' {
		if b[i] != '"' {
			return nil, nil, errNotSplittable
		}
		end, ok := scanString(b, i)
		if !ok {
			return nil, nil, errNotSplittable
		}
		key := string(b[i+1 : end-1])
		i = skipWS(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, nil, errNotSplittable
		}
		i = skipWS(b, i+1)
		vend, ok := scanValue(b, i)
		if !ok {
			return nil, nil, errNotSplittable
		}
		members[key] = b[i:vend]
		i = skipWS(b, vend)
		if i < len(b) && b[i] == ',' {
			i = skipWS(b, i+1)
		}
	}
	arr, ok := members["features"]
	if !ok || len(arr) < 2 || arr[0] != '[' {
		return nil, nil, errNotSplittable
	}
	j := skipWS(arr, 1)
	for j < len(arr)-1 {
		end, ok := scanValue(arr, j)
		if !ok {
			return nil, nil, errNotSplittable
		}
		features = append(features, arr[j:end])
		j = skipWS(arr, end)
		if j < len(arr) && arr[j] == ',' {
			j = skipWS(arr, j+1)
		}
	}
	return members, features, nil
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// scanString returns the index just past the string starting at b[i] == '"'.
func scanString(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// scanValue returns the index just past the JSON value starting at b[i].
func scanValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return scanString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, ok := scanString(b, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
		j++
	}
	return j, j > i
}

// decodeFeatures decodes raw features on every core; it returns the first
// error by feature order.
func decodeFeatures(raw [][]byte) ([]*geojson.Feature, error) {
	out := make([]*geojson.Feature, len(raw))
	errs := make([]error, len(raw))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; k < len(raw); k += workers {
				out[k], errs[k] = geojson.UnmarshalFeature(raw[k])
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
