package scenario

import (
	"context"
	"strings"
	"testing"

	"placeplan"
)

// Every shipped scenario reads, and scores (and plans, when it has a sites
// section) on the embedded default data.
func TestBuiltins(t *testing.T) {
	all, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range all {
		ids = append(ids, b.ID)
		if b.Scenario.Sites != nil {
			if _, err := Plan(context.Background(), loadDefault(t), b.Scenario); err != nil {
				t.Errorf("%s: %v", b.ID, err)
			}
		} else if _, err := Score(context.Background(), loadDefault(t), b.Scenario); err != nil {
			t.Errorf("%s: %v", b.ID, err)
		}
	}
	if got := strings.Join(ids, ","); got != "oxfordshire-hubs,shropshire-board-order,shropshire-five-teams,shropshire-five-teams-30min,shropshire-need" {
		t.Errorf("built-in scenarios %s", got)
	}
	sc, err := Open("shropshire-five-teams")
	if err != nil || sc.Name != "Shropshire — five integrated teams (Oswestry live)" {
		t.Errorf("Open by id: %v, %v", sc, err)
	}
	if _, err := Open("defaults/shropshire-need.yaml"); err != nil {
		t.Errorf("Open by path: %v", err)
	}
	_, err = Open("shropshire")
	if placeplan.ErrorCode(err) != placeplan.ENOTFOUND || !strings.Contains(err.Error(), "built in: oxfordshire-hubs, shropshire-board-order, shropshire-five-teams, shropshire-five-teams-30min, shropshire-need") {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := Open("missing.yaml"); placeplan.ErrorCode(err) != placeplan.ENOTFOUND {
		t.Errorf("missing file: %v", err)
	}
}
