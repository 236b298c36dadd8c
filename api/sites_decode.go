package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// decodeSitesRequest reads the body of POST /api/v1/sites. The demand and
// candidate arrays, which are nearly all of a large body, are read by a
// scanner made for their flat objects ({"id": "…", "lon": 1.2, …}), about
// five times faster than encoding/json's reflection (which took 107 ms of
// the 6 MB body of 100,000 demand points and 10,000 candidates: most of the
// time to refuse it, which should be well under 100 ms); every other member
// is decoded by encoding/json as before. The body must be UTF-8. A member
// named in another case than the documented one is not recognised (that is
// encoding/json's leniency, which the documented form never needs).
func decodeSitesRequest(body []byte) (sitesRequest, error) {
	var req sitesRequest
	if !utf8.Valid(body) {
		return req, invalidf("request: not UTF-8 text")
	}
	d := &sitesScanner{b: body}
	rest := []byte{'{'}
	d.space()
	if !d.eat('{') {
		return req, d.fail("want a JSON object")
	}
	for first := true; ; first = false {
		d.space()
		if d.eat('}') {
			break
		}
		if !first && !d.eat(',') {
			return req, d.fail("want , or } between members")
		}
		d.space()
		key, err := d.str(fieldRef{name: "a member's name"})
		if err != nil {
			return req, err
		}
		d.space()
		if !d.eat(':') {
			return req, d.fail("want : after a member's name")
		}
		d.space()
		switch key {
		case "demand":
			req.Demand = req.Demand[:0]
			err = d.array(fieldRef{name: "demand"}, func(i int) error {
				var p sitesDemand
				err := d.object(func(k []byte) error {
					var err error
					f := fieldRef{"demand", i, k}
					switch string(k) {
					case "id":
						p.ID, err = d.strOrNull(f)
					case "lon":
						p.Lon, err = d.num(f)
					case "lat":
						p.Lat, err = d.num(f)
					case "weight":
						p.Weight, err = d.num(f)
					default:
						err = d.skip(f)
					}
					return err
				})
				req.Demand = append(req.Demand, p)
				return err
			})
		case "candidates":
			req.Candidates = req.Candidates[:0]
			err = d.array(fieldRef{name: "candidates"}, func(i int) error {
				var c sitesCandidate
				err := d.object(func(k []byte) error {
					var err error
					f := fieldRef{"candidates", i, k}
					switch string(k) {
					case "id":
						c.ID, err = d.strOrNull(f)
					case "lon":
						c.Lon, err = d.num(f)
					case "lat":
						c.Lat, err = d.num(f)
					case "capacity":
						if d.null() {
							c.Capacity = nil
							return nil
						}
						var v float64
						v, err = d.num(f)
						c.Capacity = &v
					default:
						err = d.skip(f)
					}
					return err
				})
				req.Candidates = append(req.Candidates, c)
				return err
			})
		default:
			start := d.i
			if err = d.skip(fieldRef{name: key}); err == nil {
				if len(rest) > 1 {
					rest = append(rest, ',')
				}
				rest = strconv.AppendQuote(rest, key)
				rest = append(rest, ':')
				rest = append(rest, d.b[start:d.i]...)
			}
		}
		if err != nil {
			return req, err
		}
	}
	d.space()
	if d.i != len(d.b) {
		return req, d.fail("more after the JSON object")
	}
	// The other members, by encoding/json; the arrays are left as read.
	demand, candidates := req.Demand, req.Candidates
	if err := json.Unmarshal(append(rest, '}'), &req); err != nil {
		return req, invalidf("request: %v", err)
	}
	req.Demand, req.Candidates = demand, candidates
	return req, nil
}

// fieldRef names the member being read for an error: "request", or
// "demand[3].lon". It is formatted only when there is an error to name it
// in, as formatting it for every member was most of a large body's time.
type fieldRef struct {
	name string // the member, or the array of elem
	elem int    // the element's index, when key is set
	key  []byte // the element's member
}

func (f fieldRef) String() string {
	if f.key == nil {
		return f.name
	}
	return fmt.Sprintf("%s[%d].%s", f.name, f.elem, f.key)
}

// sitesScanner reads JSON from b at i, depth arrays and objects deep.
type sitesScanner struct {
	b     []byte
	i     int
	depth int
}

// maxSitesDepth bounds the nesting of a value the scanner skips, as
// encoding/json bounds its own (at 10,000), so that no body can exhaust
// the stack.
const maxSitesDepth = 10_000

// nest enters an array or object, refusing one nested too deep; the
// returned function leaves it.
func (d *sitesScanner) nest() (func(), error) {
	if d.depth++; d.depth > maxSitesDepth {
		return nil, d.fail(fmt.Sprintf("nested more than %d deep", maxSitesDepth))
	}
	return func() { d.depth-- }, nil
}

// fail is a syntax error at the scanner's place.
func (d *sitesScanner) fail(msg string) error {
	return invalidf("request: %s (at byte %d)", msg, d.i)
}

func (d *sitesScanner) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *sitesScanner) eat(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *sitesScanner) null() bool {
	if bytes.HasPrefix(d.b[d.i:], []byte("null")) {
		d.i += 4
		return true
	}
	return false
}

// array reads [elem, …] (or null, as no elements), calling elem with each
// element's index at its first byte.
func (d *sitesScanner) array(field fieldRef, elem func(i int) error) error {
	if d.null() {
		return nil
	}
	if !d.eat('[') {
		return d.fail(field.String() + ": want an array")
	}
	leave, err := d.nest()
	if err != nil {
		return err
	}
	defer leave()
	for i := 0; ; i++ {
		d.space()
		if d.eat(']') {
			return nil
		}
		if i > 0 {
			if !d.eat(',') {
				return d.fail(field.String() + ": want , or ] between elements")
			}
			d.space()
		}
		if err := elem(i); err != nil {
			return err
		}
	}
}

// object reads {"name": value, …}, calling member with each name (which
// it may not keep) at its value's first byte.
func (d *sitesScanner) object(member func(name []byte) error) error {
	if !d.eat('{') {
		return d.fail("want an object")
	}
	leave, err := d.nest()
	if err != nil {
		return err
	}
	defer leave()
	for first := true; ; first = false {
		d.space()
		if d.eat('}') {
			return nil
		}
		if !first {
			if !d.eat(',') {
				return d.fail("want , or } between members")
			}
			d.space()
		}
		name, err := d.rawStr(fieldRef{name: "a member's name"})
		if err != nil {
			return err
		}
		d.space()
		if !d.eat(':') {
			return d.fail("want : after a member's name")
		}
		d.space()
		if err := member(name); err != nil {
			return err
		}
	}
}

// str reads a JSON string.
func (d *sitesScanner) str(field fieldRef) (string, error) {
	b, err := d.rawStr(field)
	return string(b), err
}

// strOrNull reads a member's string value, null as "" (as encoding/json
// leaves a string it is given null for).
func (d *sitesScanner) strOrNull(field fieldRef) (string, error) {
	if d.null() {
		return "", nil
	}
	return d.str(field)
}

// rawStr reads a JSON string: its bytes in b when it has no escapes, else
// as encoding/json unquotes it.
func (d *sitesScanner) rawStr(field fieldRef) ([]byte, error) {
	if !d.eat('"') {
		return nil, d.fail(field.String() + ": want a string")
	}
	start, escaped := d.i, false
	for d.i < len(d.b) {
		switch c := d.b[d.i]; {
		case c == '"':
			d.i++
			if !escaped {
				return d.b[start : d.i-1], nil
			}
			var s string
			if err := json.Unmarshal(d.b[start-1:d.i], &s); err != nil {
				return nil, invalidf("%s: %v", field, err)
			}
			return []byte(s), nil
		case c == '\\':
			escaped = true
			d.i += 2
		case c < 0x20:
			return nil, d.fail(field.String() + ": a control character in a string")
		default:
			d.i++
		}
	}
	return nil, d.fail(field.String() + ": the string does not end")
}

// num reads a JSON number (null as 0, as encoding/json leaves a number it
// is given null for), refusing one beyond float64's range.
func (d *sitesScanner) num(field fieldRef) (float64, error) {
	if d.null() {
		return 0, nil
	}
	n, err := d.number(field)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return 0, invalidf("%s: %s is not a number a float64 holds", field, n)
	}
	return v, nil
}

// number reads past a JSON number, checking its syntax, and returns it.
func (d *sitesScanner) number(field fieldRef) ([]byte, error) {
	start := d.i
	d.eat('-')
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	switch {
	case d.eat('0'):
	case digits() == 0:
		d.i = start
		return nil, d.fail(field.String() + ": want a number")
	}
	if d.eat('.') && digits() == 0 {
		return nil, d.fail(field.String() + ": want digits after the decimal point")
	}
	if d.eat('e') || d.eat('E') {
		if !d.eat('+') {
			d.eat('-')
		}
		if digits() == 0 {
			return nil, d.fail(field.String() + ": want digits in the exponent")
		}
	}
	return d.b[start:d.i], nil
}

// skip reads past any JSON value, checking its syntax.
func (d *sitesScanner) skip(field fieldRef) error {
	if d.i >= len(d.b) {
		return d.fail(field.String() + ": want a value")
	}
	switch c := d.b[d.i]; {
	case c == '"':
		_, err := d.str(field)
		return err
	case c == '{':
		return d.object(func([]byte) error { return d.skip(field) })
	case c == '[':
		return d.array(field, func(int) error { return d.skip(field) })
	case c == '-' || c >= '0' && c <= '9':
		_, err := d.number(field)
		return err
	}
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(d.b[d.i:], []byte(lit)) {
			d.i += len(lit)
			return nil
		}
	}
	return d.fail(field.String() + ": want a value")
}
