package scenario

import (
	"bytes"
	"embed"
	"errors"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"placeplan"
)

// The scenarios shipped with placeplan, for the embedded default data.
//
//go:embed defaults/*.yaml
var builtinFS embed.FS

// Builtin is a scenario shipped with placeplan; its ID is its file name
// without ".yaml" (e.g. "shropshire-five-teams").
type Builtin struct {
	ID       string
	Scenario *Scenario
}

// Builtins returns the shipped scenarios in id order.
func Builtins() ([]Builtin, error) {
	names, err := fs.Glob(builtinFS, "defaults/*.yaml")
	if err != nil {
		return nil, err
	}
	out := make([]Builtin, 0, len(names))
	for _, name := range names {
		b, err := builtinFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		sc, err := Read(path.Base(name), bytes.NewReader(b))
		if err != nil {
			return nil, err // a shipped scenario that does not read is a bug, caught by the tests
		}
		out = append(out, Builtin{ID: strings.TrimSuffix(path.Base(name), ".yaml"), Scenario: sc})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out, nil
}

// LookupBuiltin returns the shipped scenario with this id, or ENOTFOUND
// naming the ids there are.
func LookupBuiltin(id string) (*Scenario, error) {
	all, err := Builtins()
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(all))
	for i, b := range all {
		if b.ID == id {
			return b.Scenario, nil
		}
		ids[i] = b.ID
	}
	return nil, placeplan.Errorf(placeplan.ENOTFOUND, "no scenario %q (built in: %s)", id, strings.Join(ids, ", "))
}

// Open reads the scenario a user names: a YAML or JSON file, or, when no
// such file exists and the name has no path or extension, a shipped
// scenario by id.
func Open(name string) (*Scenario, error) {
	if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(name, `/\.`) {
		sc, lerr := LookupBuiltin(name)
		if lerr != nil {
			return nil, placeplan.Errorf(placeplan.ENOTFOUND, "scenario %s: no such file, and %s", name, placeplan.ErrorMessage(lerr))
		}
		return sc, nil
	}
	return ReadFile(name)
}
