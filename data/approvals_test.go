package data

import (
	"context"
	"strings"
	"testing"
	"time"

	"placeplan"
)

// TestApprovals: an approver approves one revision for a committee; the
// approval is recorded with the audit entry, refused twice for the same
// committee, for a revision that does not exist and for an archived
// scenario; a change makes a new revision without it; and the database
// refuses to change or withdraw an approval.
func TestApprovals(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	asha := placeplan.Actor{Name: "asha"}
	if _, err := s.CreateScenario(ctx, "oxon", "Oxfordshire", []byte(`{"v":1}`), asha, ""); err != nil {
		t.Fatal(err)
	}
	hwb := placeplan.Approval{ScenarioID: "oxon", Revision: 1, Committee: "Health and Wellbeing Board",
		MeetingDate: time.Date(2027, 1, 14, 15, 0, 0, 0, time.UTC), Note: "item 7"}
	by := placeplan.Actor{Name: "priya", Remote: "192.0.2.20"}
	got, err := s.ApproveScenario(ctx, hwb, by)
	if err != nil {
		t.Fatal(err)
	}
	if got.By != "priya" || got.At.IsZero() || !got.MeetingDate.Equal(time.Date(2027, 1, 14, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("approval %+v", got)
	}
	for name, tc := range map[string]struct {
		a    placeplan.Approval
		code string
	}{
		"twice":            {hwb, placeplan.ECONFLICT},
		"no revision 2":    {placeplan.Approval{ScenarioID: "oxon", Revision: 2, Committee: "Cabinet"}, placeplan.ENOTFOUND},
		"no scenario":      {placeplan.Approval{ScenarioID: "nowhere", Revision: 1, Committee: "Cabinet"}, placeplan.ENOTFOUND},
		"no committee":     {placeplan.Approval{ScenarioID: "oxon", Revision: 1}, placeplan.EINVALID},
		"a long one":       {placeplan.Approval{ScenarioID: "oxon", Revision: 1, Committee: strings.Repeat("x", 201)}, placeplan.EINVALID},
		"no revision 0":    {placeplan.Approval{ScenarioID: "oxon", Revision: 0, Committee: "Cabinet"}, placeplan.ENOTFOUND},
		"negative":         {placeplan.Approval{ScenarioID: "oxon", Revision: -1, Committee: "Cabinet"}, placeplan.ENOTFOUND},
		"another commitee": {placeplan.Approval{ScenarioID: "oxon", Revision: 1, Committee: "Cabinet", MeetingDate: time.Date(2027, 2, 4, 0, 0, 0, 0, time.UTC)}, ""},
	} {
		_, err := s.ApproveScenario(ctx, tc.a, by)
		if placeplan.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
			t.Errorf("%s: %v, want %q", name, err, tc.code)
		}
	}
	if _, err := s.UpdateScenario(ctx, "oxon", 1, "", []byte(`{"v":2}`), asha, "", "v 2"); err != nil {
		t.Fatal(err)
	}
	all, err := s.ScenarioApprovals(ctx, "oxon", 0)
	if err != nil || len(all) != 2 || all[0].Revision != 1 || all[1].Committee != "Cabinet" {
		t.Fatalf("approvals %+v, %v", all, err)
	}
	if r2, err := s.ScenarioApprovals(ctx, "oxon", 2); err != nil || len(r2) != 0 {
		t.Errorf("the new revision has approvals %+v (%v): a change must make an unapproved revision", r2, err)
	}
	for _, stmt := range []string{
		`UPDATE scenario_approvals SET committee = 'Council' WHERE scenario_id = 'oxon'`,
		`DELETE FROM scenario_approvals WHERE scenario_id = 'oxon'`,
		`UPDATE scenario_revisions SET document = '{"v":9}' WHERE scenario_id = 'oxon' AND revision = 1`,
	} {
		if _, err := s.db.ExecContext(ctx, stmt); err == nil {
			t.Errorf("the database accepted %s", stmt)
		}
	}
	if err := s.ArchiveScenario(ctx, "oxon", 2, asha, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApproveScenario(ctx, placeplan.Approval{ScenarioID: "oxon", Revision: 2, Committee: "Cabinet"}, by); placeplan.ErrorCode(err) != placeplan.ECONFLICT {
		t.Errorf("approving an archived scenario: %v", err)
	}
	trail, err := s.Audit(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var approvals []string
	for _, e := range trail {
		if e.Action == placeplan.AuditScenarioApprove {
			approvals = append(approvals, e.Actor+" "+e.Remote+" "+e.Detail)
		}
	}
	want := "priya 192.0.2.20 revision 1 approved for Health and Wellbeing Board on 2027-01-14 (item 7)\n" +
		"priya 192.0.2.20 revision 1 approved for Cabinet on 2027-02-04"
	if strings.Join(approvals, "\n") != want {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(approvals, "\n"), want)
	}
}
