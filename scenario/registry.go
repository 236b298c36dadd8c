package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"placeplan"
)

// RegistryStore is what the scenario registry reads and writes: the data
// (to validate and compute scenarios) and the stored scenarios with their
// immutable revisions. *data.Store satisfies it.
type RegistryStore interface {
	PlanStore
	CreateScenario(ctx context.Context, id, name string, doc []byte, by placeplan.Actor, note string) (placeplan.ScenarioRevision, error)
	Scenario(ctx context.Context, id string) (placeplan.ScenarioRecord, error)
	Scenarios(ctx context.Context, includeArchived bool) ([]placeplan.ScenarioRecord, error)
	ScenarioRevision(ctx context.Context, id string, rev int) (placeplan.ScenarioRevision, error)
	ScenarioRevisions(ctx context.Context, id string) ([]placeplan.ScenarioRevision, error)
	UpdateScenario(ctx context.Context, id string, baseRevision int, name string, doc []byte, by placeplan.Actor, note, changes string) (placeplan.ScenarioRevision, error)
	ArchiveScenario(ctx context.Context, id string, baseRevision int, by placeplan.Actor, note string) error
	EnsureScenario(ctx context.Context, id, name string, doc []byte, author, note string) (bool, error)
	ApproveScenario(ctx context.Context, a placeplan.Approval, by placeplan.Actor) (placeplan.Approval, error)
	ScenarioApprovals(ctx context.Context, id string, rev int) ([]placeplan.Approval, error)
}

// Saved is one stored revision of a scenario.
type Saved struct {
	ID       string
	Revision int
	Current  int // the scenario's current revision
	Archived bool
	Author   string
	Note     string
	Changes  string
	Created  time.Time
	Scenario *Scenario
}

// Label names a revision: "id@revision".
func (s Saved) Label() string { return s.ID + "@" + strconv.Itoa(s.Revision) }

// Encode returns the canonical stored form of a scenario document: JSON,
// in field order, so equal documents are equal bytes.
func Encode(sc *Scenario) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Validate checks a scenario against the data: every indicator, locality,
// candidate and constraint must exist and fit, which it checks by scoring
// the scenario and, when it has a sites section, working out its plan
// (without the robustness re-runs). Errors name the field.
func Validate(ctx context.Context, st PlanStore, sc *Scenario) error {
	geog := placeplan.Geography(sc.Dataset.Geography)
	inds, err := st.Indicators(ctx, geog)
	if err != nil {
		return err
	}
	if len(inds) == 0 {
		return placeplan.Errorf(placeplan.EINVALID, "dataset.geography: no %s data is loaded", geog.Label())
	}
	if v := sc.Dataset.Vintage; v != "" {
		vintages := map[string]bool{}
		for _, ind := range inds {
			if ind.Vintage != "" {
				vintages[ind.Vintage] = true
			}
		}
		if !vintages[v] {
			return placeplan.Errorf(placeplan.EINVALID, "dataset.vintage: %s is not loaded on %s (loaded: %s)", v, geog.Label(), strings.Join(sortedSet(vintages), ", "))
		}
	}
	if sc.Sites == nil {
		_, err = Score(ctx, st, sc)
		return err
	}
	light := *sc
	sites := *sc.Sites
	sites.Robustness = Robustness{}
	light.Sites = &sites
	light.Uncertainty.Draws = 0
	_, err = Plan(ctx, st, &light)
	return err
}

var slugWord = regexp.MustCompile(`[a-z0-9]+`)

// Slug makes a scenario id from its name: "Shropshire — five teams" is
// "shropshire-five-teams".
func Slug(name string) string {
	words := slugWord.FindAllString(strings.ToLower(name), -1)
	s := strings.Join(words, "-")
	if len(s) > 56 {
		s = strings.TrimRight(s[:56], "-")
	}
	if s == "" {
		s = "scenario"
	}
	return s
}

// SeedBuiltins stores the scenarios shipped with placeplan that the
// registry does not hold yet (by id); it never overwrites. It returns the
// ids it added.
func SeedBuiltins(ctx context.Context, st RegistryStore) ([]string, error) {
	all, err := Builtins()
	if err != nil {
		return nil, err
	}
	var added []string
	for _, b := range all {
		doc, err := Encode(b.Scenario)
		if err != nil {
			return nil, err
		}
		ok, err := st.EnsureScenario(ctx, b.ID, b.Scenario.Name, doc, "placeplan", "shipped with placeplan")
		if err != nil {
			return nil, err
		}
		if ok {
			added = append(added, b.ID)
		}
	}
	return added, nil
}

// Create validates a scenario against the data and stores it as revision
// 1 under an id made from its name (with -2, -3… when taken). Nothing is
// stored when it is invalid. by is recorded as the revision's author and,
// with where from, in the audit trail.
func Create(ctx context.Context, st RegistryStore, sc *Scenario, by placeplan.Actor, note string) (Saved, error) {
	if err := Validate(ctx, st, sc); err != nil {
		return Saved{}, err
	}
	doc, err := Encode(sc)
	if err != nil {
		return Saved{}, err
	}
	base := Slug(sc.Name)
	for n := 1; n < 1000; n++ {
		id := base
		if n > 1 {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		rev, err := st.CreateScenario(ctx, id, sc.Name, doc, by, note)
		if placeplan.ErrorCode(err) == placeplan.ECONFLICT {
			continue
		}
		if err != nil {
			return Saved{}, err
		}
		return savedFrom(rev, 1, false, sc), nil
	}
	return Saved{}, placeplan.Errorf(placeplan.ECONFLICT, "no free id for %q", sc.Name)
}

// Import stores a scenario document as a new scenario, as Create does,
// unless a scenario that is not archived holds the same document at its
// current revision: then it stores nothing and returns that revision with
// existing true, so that importing a file twice makes no copy of it.
func Import(ctx context.Context, st RegistryStore, sc *Scenario, by placeplan.Actor, note string) (saved Saved, existing bool, err error) {
	doc, err := Encode(sc)
	if err != nil {
		return Saved{}, false, err
	}
	recs, err := st.Scenarios(ctx, false)
	if err != nil {
		return Saved{}, false, err
	}
	for _, rec := range recs {
		cur, err := Get(ctx, st, rec.ID, rec.Revision)
		if err != nil {
			return Saved{}, false, err
		}
		// Compared re-encoded, so that a document stored by an older
		// placeplan, in another field order, is still the same.
		if same, err := Encode(cur.Scenario); err == nil && bytes.Equal(same, doc) {
			return cur, true, nil
		}
	}
	saved, err = Create(ctx, st, sc, by, note)
	return saved, false, err
}

// Get returns a scenario's revision rev (0 for the current one).
func Get(ctx context.Context, st RegistryStore, id string, rev int) (Saved, error) {
	rec, err := st.Scenario(ctx, id)
	if err != nil {
		return Saved{}, err
	}
	r, err := st.ScenarioRevision(ctx, id, rev)
	if err != nil {
		return Saved{}, err
	}
	sc, err := Read(fmt.Sprintf("%s@%d", id, r.Revision), bytes.NewReader(r.Document))
	if err != nil {
		return Saved{}, placeplan.Wrap(placeplan.EINTERNAL, err, "stored scenario %s@%d", id, r.Revision)
	}
	return savedFrom(r, rec.Revision, rec.Archived, sc), nil
}

// ParseRef splits "id" or "id@revision" (revision 0 meaning current).
func ParseRef(ref string) (string, int, error) {
	id, r, ok := strings.Cut(ref, "@")
	if !ok {
		return ref, 0, nil
	}
	n, err := strconv.Atoi(r)
	if err != nil || n < 1 {
		return "", 0, placeplan.Errorf(placeplan.EINVALID, "%q: the revision after @ must be a number from 1", ref)
	}
	return id, n, nil
}

// List returns the stored scenarios, current revisions, archived ones too
// when asked.
func List(ctx context.Context, st RegistryStore, includeArchived bool) ([]placeplan.ScenarioRecord, error) {
	return st.Scenarios(ctx, includeArchived)
}

// History returns a scenario's record — who archived it, when and why,
// if it is archived — and every revision, oldest first.
func History(ctx context.Context, st RegistryStore, id string) (placeplan.ScenarioRecord, []placeplan.ScenarioRevision, error) {
	rec, err := st.Scenario(ctx, id)
	if err != nil {
		return placeplan.ScenarioRecord{}, nil, err
	}
	revs, err := st.ScenarioRevisions(ctx, id)
	return rec, revs, err
}

// Update validates a new version of a scenario and stores it as the next
// revision, provided the scenario is still at baseRevision (else
// EPRECONDITION: someone else changed it). The revision records what
// changed, field by field, and by as its author; the audit trail records
// the change.
func Update(ctx context.Context, st RegistryStore, id string, baseRevision int, sc *Scenario, by placeplan.Actor, note string) (Saved, error) {
	old, err := Get(ctx, st, id, baseRevision)
	if err != nil {
		return Saved{}, err
	}
	if err := Validate(ctx, st, sc); err != nil {
		return Saved{}, err
	}
	doc, err := Encode(sc)
	if err != nil {
		return Saved{}, err
	}
	changes, err := describeChanges(old.Scenario, sc)
	if err != nil {
		return Saved{}, err
	}
	rev, err := st.UpdateScenario(ctx, id, baseRevision, sc.Name, doc, by, note, changes)
	if err != nil {
		return Saved{}, err
	}
	return savedFrom(rev, rev.Revision, false, sc), nil
}

// Archive archives a scenario (its revisions are kept), provided it is
// still at baseRevision; the audit trail records who archived it.
func Archive(ctx context.Context, st RegistryStore, id string, baseRevision int, by placeplan.Actor, note string) error {
	return st.ArchiveScenario(ctx, id, baseRevision, by, note)
}

// describeChanges words the difference between two documents, field by
// field: "sites.teams: 5 → 4; sites.fixed: ["Oswestry"] → (none)".
func describeChanges(before, after *Scenario) (string, error) {
	a, err := flatten(before)
	if err != nil {
		return "", err
	}
	b, err := flatten(after)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, d := range differences([]map[string]string{a, b}) {
		parts = append(parts, fmt.Sprintf("%s: %s → %s", d.Field, orNone(d.Values[0]), orNone(d.Values[1])))
	}
	if before.Name != after.Name {
		parts = append([]string{fmt.Sprintf("name: %s → %s", before.Name, after.Name)}, parts...)
	}
	if len(parts) == 0 {
		return "no change to the assumptions", nil
	}
	return strings.Join(parts, "; "), nil
}

func orNone(s string) string {
	if s == "" || s == "null" {
		return "(none)"
	}
	return s
}

func savedFrom(r placeplan.ScenarioRevision, current int, archived bool, sc *Scenario) Saved {
	return Saved{ID: r.ScenarioID, Revision: r.Revision, Current: current, Archived: archived, Author: r.Author,
		Note: r.Note, Changes: r.Changes, Created: r.CreatedAt, Scenario: sc}
}

// Resolve finds the scenario a reference names: a stored one ("id" for
// the current revision, "id@revision"), else — when files is true — a
// scenario file or a shipped id (Open), else a shipped id. It returns a
// label naming exactly what was found ("id@3", or the reference itself).
func Resolve(ctx context.Context, st RegistryStore, ref string, files bool) (string, *Scenario, error) {
	id, rev, err := ParseRef(ref)
	if err != nil {
		return "", nil, err
	}
	if !strings.ContainsAny(id, `/\.`) { // a path is never a stored id
		saved, err := Get(ctx, st, id, rev)
		if err == nil {
			return saved.Label(), saved.Scenario, nil
		}
		if placeplan.ErrorCode(err) != placeplan.ENOTFOUND || rev != 0 {
			return "", nil, err
		}
	}
	if files {
		sc, err := Open(ref)
		return ref, sc, err
	}
	sc, err := LookupBuiltin(id)
	if err != nil {
		return "", nil, placeplan.Errorf(placeplan.ENOTFOUND, "no scenario %q", id)
	}
	return id, sc, nil
}

// Approve marks revision rev of a scenario (0: the current one) approved
// for committee at the meeting on meeting (a day, 2027-01-14), by by, and
// records it in the audit trail. The revision is immutable, so the
// approval holds for exactly what was approved; a later change makes a new
// revision without one. EINVALID for an empty committee or a meeting that
// is not a day; the store's errors otherwise.
func Approve(ctx context.Context, st RegistryStore, id string, rev int, committee, meeting string, by placeplan.Actor, note string) (placeplan.Approval, error) {
	committee = strings.TrimSpace(committee)
	if committee == "" {
		return placeplan.Approval{}, placeplan.Errorf(placeplan.EINVALID, "scenario %q: say which committee approves it (such as Health and Wellbeing Board)", id)
	}
	day, err := time.Parse(time.DateOnly, strings.TrimSpace(meeting))
	if err != nil {
		return placeplan.Approval{}, placeplan.Errorf(placeplan.EINVALID, "scenario %q: meeting %q: give the day of the meeting, such as 2027-01-14", id, meeting)
	}
	if rev == 0 {
		cur, err := st.Scenario(ctx, id)
		if err != nil {
			return placeplan.Approval{}, err
		}
		rev = cur.Revision
	}
	return st.ApproveScenario(ctx, placeplan.Approval{ScenarioID: id, Revision: rev, Committee: committee, MeetingDate: day, Note: strings.TrimSpace(note)}, by)
}

// Approvals returns the approvals of revision rev of a scenario (0: of
// every revision), oldest first.
func Approvals(ctx context.Context, st RegistryStore, id string, rev int) ([]placeplan.Approval, error) {
	return st.ScenarioApprovals(ctx, id, rev)
}

// ApprovalsOfLabel returns the approvals of the stored revision a label
// names ("id@rev", as Resolve gives for a stored scenario), and none for a
// file or a shipped scenario, which no one approves.
func ApprovalsOfLabel(ctx context.Context, st RegistryStore, label string) ([]placeplan.Approval, error) {
	id, rev, err := ParseRef(label)
	if err != nil || rev == 0 {
		return nil, nil
	}
	return st.ScenarioApprovals(ctx, id, rev)
}
