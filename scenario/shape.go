package scenario

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"placeplan/internal/suggest"
)

// The scenario document's own words for what a field holds, so that a
// message never shows a Go type.
func kindWords(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		return "a mapping of fields (" + strings.Join(fieldNames(t), ", ") + ")"
	case reflect.Map:
		return "a mapping"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "text"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	}
	return "a value"
}

// fieldNames are the names of a document struct's fields, as written in
// YAML and JSON (their tags agree).
func fieldNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if name := fieldName(t.Field(i)); name != "" {
			out = append(out, name)
		}
	}
	return out
}

func fieldName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// shapeProblem walks a parsed document beside the type it decodes into
// and returns its first unknown field or value of the wrong kind, in the
// document's words — "line 24: unknown field "normalization" (did you mean
// "normalisation"?)", "line 7: uncertainty.draws: "many" is not a whole
// number" — or "" when it finds none. It explains what the strict decoders
// refuse; a JSON document parses as YAML too, and asJSON holds it to
// encoding/json's rules (field names in any case, a string for text, no
// fraction for a whole number).
func shapeProblem(n *yaml.Node, t reflect.Type, path string, asJSON bool) string {
	for n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return "" // zero
	}
	at := func(format string, args ...any) string {
		msg := fmt.Sprintf(format, args...)
		if path != "" {
			msg = path + ": " + msg
		}
		return fmt.Sprintf("line %d: %s", n.Line, msg)
	}
	wrong := func() string {
		var found string
		switch n.Kind {
		case yaml.MappingNode:
			found = "a mapping"
		case yaml.SequenceNode:
			found = "a list"
		default:
			found = fmt.Sprintf("%q", n.Value)
		}
		return at("want %s, not %s", kindWords(t), found)
	}
	join := func(key string) string {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return wrong()
		}
		names := fieldNames(t)
		for k := 0; k+1 < len(n.Content); k += 2 {
			key, val := n.Content[k], n.Content[k+1]
			if key.ShortTag() == "!!merge" {
				continue
			}
			f, ok := structField(t, key.Value, asJSON)
			if !ok {
				msg := fmt.Sprintf("unknown field %q", key.Value)
				if h := suggest.Hint(key.Value, names); h != "" {
					msg += h
				} else {
					msg += " (the fields are " + strings.Join(names, ", ") + ")"
				}
				if path != "" {
					msg = path + ": " + msg
				}
				return fmt.Sprintf("line %d: %s", key.Line, msg)
			}
			if p := shapeProblem(val, f.Type, join(fieldName(f)), asJSON); p != "" {
				return p
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return wrong()
		}
		for k := 0; k+1 < len(n.Content); k += 2 {
			if p := shapeProblem(n.Content[k+1], t.Elem(), join(n.Content[k].Value), asJSON); p != "" {
				return p
			}
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return wrong()
		}
		for i, item := range n.Content {
			if p := shapeProblem(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), asJSON); p != "" {
				return p
			}
		}
	default:
		if n.Kind != yaml.ScalarNode {
			return wrong()
		}
		if !scalarFits(n, t, asJSON) {
			return at("%q is not %s", n.Value, kindWords(t))
		}
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			return at("%q is out of range", n.Value)
		}
	}
	return ""
}

// scalarFits reports whether a scalar is of the kind t holds: what YAML
// takes (a number for a number, true or false — or YAML 1.1's yes, no, on,
// off — for a flag, anything for text; yaml.v3 truncates a fraction into a
// whole number) or, asJSON, what encoding/json takes (a string for text,
// no fraction for a whole number).
func scalarFits(n *yaml.Node, t reflect.Type, asJSON bool) bool {
	tag := n.ShortTag()
	switch t.Kind() {
	case reflect.String:
		return !asJSON || tag == "!!str"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return tag == "!!int" || !asJSON && tag == "!!float"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return (tag == "!!int" || !asJSON && tag == "!!float") && !strings.HasPrefix(n.Value, "-")
	case reflect.Float32, reflect.Float64:
		return tag == "!!int" || tag == "!!float"
	case reflect.Bool:
		if tag == "!!bool" {
			return true
		}
		if !asJSON && tag == "!!str" {
			switch n.Value {
			case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF":
				return true
			}
		}
		return false
	}
	return true
}

// structField finds the field of t that a document key names.
func structField(t reflect.Type, key string, asJSON bool) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name := fieldName(f); name != "" && (name == key || asJSON && strings.EqualFold(name, key)) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// notOneOf words a value that is none of the options it may take:
// `"zscores" is not zscore, minmax, rank or exponential (did you mean
// "zscore"?)`.
func notOneOf(v string, options ...string) string {
	list := options[0]
	if n := len(options); n > 1 {
		list = strings.Join(options[:n-1], ", ") + " or " + options[n-1]
	}
	return fmt.Sprintf("%q is not %s%s", v, list, suggest.Hint(v, options))
}
