package data

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb/encoding/wkb"

	"placeplan"
	"placeplan/data/input"
	"placeplan/data/locality"
	"placeplan/data/record"
	"placeplan/data/registry"
	"placeplan/data/table"
)

// IngestReport says what an ingest loaded: one line per file, and the
// warnings that did not stop it.
type IngestReport struct {
	Loaded   []string
	Warnings []string
	Revision int64
}

// IngestFiles reads every path (plain, .gz or .zip), recognises each file by
// its content and stores them all in one transaction: if any file is bad,
// nothing is stored. An indicator CSV's metadata is taken from a file of the
// same name ending .meta.csv beside it, or from a metadata CSV among paths.
func (s *Store) IngestFiles(ctx context.Context, paths []string, opts IngestOptions) (*IngestReport, error) {
	if len(paths) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "no files to ingest")
	}
	given := map[string]bool{}
	for _, p := range paths {
		given[filepath.Clean(p)] = true
	}
	// Read and parse the files concurrently (two at a time: the machine
	// this is tuned for has two cores), keeping the order given.
	results := make([][]*Part, len(paths))
	errs := make([]error, len(paths))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i], errs[i] = parseFile(p, opts)
		}()
	}
	wg.Wait()
	var parts []*Part
	for i, p := range paths {
		if errs[i] != nil {
			return nil, errs[i]
		}
		parts = append(parts, results[i]...)
		for _, part := range results[i] {
			if part.pending == nil {
				continue
			}
			side := filepath.Join(filepath.Dir(p), table.MetaSidecarName(filepath.Base(p)))
			if _, err := os.Stat(side); err == nil && !given[filepath.Clean(side)] {
				given[filepath.Clean(side)] = true
				mps, err := parseFile(side, opts)
				if err != nil {
					return nil, err
				}
				parts = append(parts, mps...)
			}
		}
	}
	return s.Ingest(ctx, parts, opts)
}

// parseFile opens and parses every input in one file.
func parseFile(p string, opts IngestOptions) ([]*Part, error) {
	var progress func(read, total int64)
	if opts.Progress != nil {
		progress = func(read, total int64) { opts.Progress(p, read, total) }
	}
	ins, err := input.OpenInputs(p, progress)
	if err != nil {
		return nil, err
	}
	return parseInputs(ins, opts)
}

func parseInputs(ins []input.Input, opts IngestOptions) ([]*Part, error) {
	parts := make([]*Part, 0, len(ins))
	for _, in := range ins {
		part, err := ParseInput(in, opts)
		if err != nil {
			return nil, err
		}
		parts = append(parts, part)
	}
	return parts, nil
}

// IngestInputs is IngestFiles over inputs already in memory.
func (s *Store) IngestInputs(ctx context.Context, ins []input.Input, opts IngestOptions) (*IngestReport, error) {
	parts, err := parseInputs(ins, opts)
	if err != nil {
		return nil, err
	}
	return s.Ingest(ctx, parts, opts)
}

// writeRank returns where parts of kind k come in the order an ingest
// writes them: the files that define areas before the files that refer to
// them, and localities last, once every area and its parents are in.
func writeRank(k placeplan.DatasetKind) int {
	return slices.Index([]placeplan.DatasetKind{placeplan.DatasetLookup, placeplan.DatasetIoD, placeplan.DatasetBoundaries,
		placeplan.DatasetMSOANames, placeplan.DatasetCentroids, placeplan.DatasetIndicatorMeta, placeplan.DatasetIndicators,
		placeplan.DatasetPoints, placeplan.DatasetLocalities}, k)
}

// Ingest stores parsed parts in one transaction; on any error the database
// is left exactly as it was. Every part is read and validated before the
// transaction opens — an indicator CSV once the metadata and the geography
// of the whole ingest are known — so the transaction only writes, checking
// what it writes against the areas stored (rows for areas not loaded,
// locality rows that match no area).
func (s *Store) Ingest(ctx context.Context, parts []*Part, opts IngestOptions) (*IngestReport, error) {
	pending := slices.ContainsFunc(parts, func(p *Part) bool { return p.pending != nil })
	stored, err := storedGeographies(ctx, s.db)
	if err != nil {
		return nil, err
	}
	fallback := opts.Geography
	if fallback == "" {
		fallback = onlyGeography(stored, parts)
	}
	if err := resolvePending(parts, fallback); err != nil {
		return nil, err
	}
	slices.SortStableFunc(parts, func(a, b *Part) int {
		return cmp.Compare(writeRank(a.Kind), writeRank(b.Kind))
	})

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin ingest: %w", err)
	}
	defer tx.Rollback()
	if pending && opts.Geography == "" {
		// The indicator CSVs were read against the geographies stored when
		// the ingest began; another writer may have changed them since.
		now, err := storedGeographies(ctx, tx)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(now, stored) {
			return nil, placeplan.Errorf(placeplan.ECONFLICT, "the loaded geographies changed while the files were read (another ingest finished meanwhile): ingest again")
		}
	}
	in := &ingest{tx: tx, ctx: ctx, now: s.Now().UTC(), report: &IngestReport{}}
	localities := slices.IndexFunc(parts, func(p *Part) bool { return p.Kind == placeplan.DatasetLocalities })
	if localities < 0 {
		localities = len(parts)
	}
	for _, p := range parts[:localities] {
		if err := in.write(p); err != nil {
			return nil, err
		}
		in.report.Loaded = append(in.report.Loaded, p.Describe())
	}
	if err := in.applyLookups(); err != nil {
		return nil, err
	}
	if err := in.fillMSOAs(); err != nil {
		return nil, err
	}
	for _, p := range parts[localities:] {
		if err := in.localities(p); err != nil {
			return nil, err
		}
	}
	if err := in.checkCoverage(); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'`); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'revision'`).Scan(&in.report.Revision); err != nil {
		return nil, err
	}
	if opts.By.Name != "" {
		var files []string
		for _, p := range parts {
			files = append(files, p.Describe())
		}
		if _, err := s.appendAudit(ctx, tx, placeplan.AuditEntry{At: in.now, Actor: opts.By.Name, Remote: opts.By.Remote, Action: placeplan.AuditIngest,
			Target: fmt.Sprintf("data revision %d", in.report.Revision), Detail: strings.Join(files, "; ")}); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit ingest: %w", err)
	}
	return in.report, nil
}

// write stores one part other than localities.
func (in *ingest) write(p *Part) error {
	switch p.Kind {
	case placeplan.DatasetLookup:
		return in.lookup(p)
	case placeplan.DatasetIoD, placeplan.DatasetIndicators:
		return in.indicators(p)
	case placeplan.DatasetBoundaries:
		return in.boundaries(p)
	case placeplan.DatasetMSOANames:
		return in.msoaNames(p)
	case placeplan.DatasetCentroids:
		return in.centroids(p)
	case placeplan.DatasetPoints:
		return in.points(p)
	case placeplan.DatasetIndicatorMeta:
		return nil // read with the indicator CSVs it describes
	}
	return fmt.Errorf("%s: no writer for %q", p.Input, p.Kind)
}

type ingest struct {
	tx     *sql.Tx
	ctx    context.Context
	now    time.Time
	report *IngestReport
	// touched records, per geography, the districts whose areas gained data,
	// so coverage can be checked where it matters.
	geomTouched    map[placeplan.Geography]bool
	indTouched     []touched
	pendingLookups []*record.Lookup
}

type touched struct {
	geography placeplan.Geography
	keys      []string
	file      string
	lads      map[string]bool
	codes     map[string]bool
}

func (in *ingest) warnf(format string, args ...any) {
	in.report.Warnings = append(in.report.Warnings, fmt.Sprintf(format, args...))
}

// storedGeographies returns the geographies that have areas, in order.
func storedGeographies(ctx context.Context, q querier) ([]placeplan.Geography, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT geography FROM areas ORDER BY geography`)
	if err != nil {
		return nil, fmt.Errorf("geographies loaded: %w", err)
	}
	defer rows.Close()
	var out []placeplan.Geography
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, fmt.Errorf("geographies loaded: %w", err)
		}
		out = append(out, placeplan.Geography(g))
	}
	return out, rows.Err()
}

// onlyGeography returns the one geography with areas in the database
// (stored) or in this ingest's IoD and boundary files, or "" when there
// are both or none: it decides indicator CSVs whose codes exist in both.
func onlyGeography(stored []placeplan.Geography, parts []*Part) placeplan.Geography {
	seen := map[placeplan.Geography]bool{}
	for _, g := range stored {
		seen[g] = true
	}
	for _, p := range parts {
		switch {
		case p.Indicators != nil:
			seen[p.Indicators.Geography] = true
		case p.Boundaries != nil:
			seen[p.Boundaries.Geography] = true
		}
	}
	if len(seen) == 1 {
		for g := range seen {
			return g
		}
	}
	return ""
}

// dataset records the dataset a part is stored as. d says what the reader
// recognised and the provenance it assumes; the part's provenance (from the
// input and the options) overrides that, and the part gives the kind, the
// source and its hash.
func (in *ingest) dataset(p *Part, d placeplan.Dataset) (int64, error) {
	pv := input.Provenance{Publisher: d.Publisher, Licence: d.Licence, Attribution: d.Attribution}.Over(p.Provenance)
	if pv.Attribution == "" {
		in.warnf("%s: no attribution: nothing made with it will say where it comes from; give --attribution TEXT (and --publisher, --licence) to record its source", p.Input)
	}
	var id int64
	err := in.tx.QueryRowContext(in.ctx, `INSERT INTO datasets (kind, format, vintage, geography, source, sha256,
		publisher, licence, attribution, records, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Kind.String(), d.Format, d.Vintage, string(d.Geography), p.Input, p.SHA256, pv.Publisher, pv.Licence, pv.Attribution, d.Records,
		in.now.Format(time.RFC3339)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("%s: record the dataset: %w", p.Input, err)
	}
	return id, nil
}

// onsDataset is what an ONS file (a lookup, boundaries, centroids) is
// stored as.
func onsDataset(format string, g placeplan.Geography, records int) placeplan.Dataset {
	return placeplan.Dataset{Format: format, Geography: g, Records: records,
		Publisher: record.ONS, Licence: record.OGL, Attribution: record.ONSAttribution}
}

const upsertArea = `INSERT INTO areas (geography, code, name, msoa_code, lad_code, lad_name) VALUES (?, ?, ?, ?, ?, ?)
	ON CONFLICT (geography, code) DO UPDATE SET
		name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE areas.name END,
		msoa_code = CASE WHEN excluded.msoa_code <> '' THEN excluded.msoa_code ELSE areas.msoa_code END,
		lad_code = CASE WHEN excluded.lad_code <> '' THEN excluded.lad_code ELSE areas.lad_code END,
		lad_name = CASE WHEN excluded.lad_name <> '' THEN excluded.lad_name ELSE areas.lad_name END`

func (in *ingest) upsertAreas(geog placeplan.Geography, areas []record.Area) error {
	st, err := in.tx.PrepareContext(in.ctx, upsertArea)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, a := range areas {
		if _, err := st.ExecContext(in.ctx, string(geog), a.Code, a.Name, a.MSOACode, a.LADCode, a.LADName); err != nil {
			return fmt.Errorf("area %s: %w", a.Code, err)
		}
	}
	return nil
}

func (in *ingest) upsertMSOAs(geog placeplan.Geography, ms []record.MSOAName) error {
	st, err := in.tx.PrepareContext(in.ctx, `INSERT INTO msoas (geography, code, name, hcl_name) VALUES (?, ?, ?, ?)
		ON CONFLICT (geography, code) DO UPDATE SET
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE msoas.name END,
			hcl_name = CASE WHEN excluded.hcl_name <> '' THEN excluded.hcl_name ELSE msoas.hcl_name END`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, m := range ms {
		if _, err := st.ExecContext(in.ctx, string(geog), m.Code, m.Name, m.HCLName); err != nil {
			return fmt.Errorf("msoa %s: %w", m.Code, err)
		}
	}
	return nil
}

func (in *ingest) lookup(p *Part) error {
	l := p.Lookup
	if len(l.Changes) > 0 {
		if _, err := in.dataset(p, onsDataset(l.Format, "", len(l.Changes))); err != nil {
			return err
		}
		st, err := in.tx.PrepareContext(in.ctx, `INSERT INTO lsoa_changes (lsoa11, lsoa21, change) VALUES (?, ?, ?)
			ON CONFLICT (lsoa11, lsoa21) DO UPDATE SET change = excluded.change`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, c := range l.Changes {
			if _, err := st.ExecContext(in.ctx, c.LSOA11, c.LSOA21, c.Change); err != nil {
				return err
			}
		}
		return nil
	}
	if _, err := in.dataset(p, onsDataset(l.Format, l.Geography, len(l.Areas))); err != nil {
		return err
	}
	if err := in.upsertMSOAs(l.Geography, l.MSOAs); err != nil {
		return err
	}
	in.pendingLookups = append(in.pendingLookups, l)
	return nil
}

// applyLookups adds parents to the areas stored by this ingest or before it.
// A lookup does not create areas on its own: national lookups cover all of
// England and Wales.
func (in *ingest) applyLookups() error {
	for _, l := range in.pendingLookups {
		if err := in.applyLookup(l); err != nil {
			return err
		}
	}
	return nil
}

func (in *ingest) applyLookup(l *record.Lookup) error {
	st, err := in.tx.PrepareContext(in.ctx, `UPDATE areas SET
		msoa_code = CASE WHEN ? <> '' THEN ? ELSE msoa_code END,
		lad_code = CASE WHEN lad_code = '' THEN ? ELSE lad_code END,
		lad_name = CASE WHEN lad_name = '' THEN ? ELSE lad_name END,
		name = CASE WHEN name = '' THEN ? ELSE name END
		WHERE geography = ? AND code = ?`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, a := range l.Areas {
		if _, err := st.ExecContext(in.ctx, a.MSOACode, a.MSOACode, a.LADCode, a.LADName, a.Name, string(l.Geography), a.Code); err != nil {
			return err
		}
	}
	return nil
}

func (in *ingest) indicators(p *Part) error {
	it := p.Indicators
	dsID, err := in.dataset(p, placeplan.Dataset{Format: it.Format, Vintage: it.Vintage, Geography: it.Geography,
		Publisher: it.Publisher, Licence: it.Licence, Attribution: it.Attribution, Records: len(it.Areas)})
	if err != nil {
		return err
	}
	for _, w := range it.Warnings {
		in.warnf("%s: %s", p.Input, w)
	}
	keep := make([]bool, len(it.Areas))
	if it.Kind == placeplan.DatasetIoD {
		// IoD files define the areas they cover.
		if err := in.upsertAreas(it.Geography, it.Areas); err != nil {
			return err
		}
		for j := range keep {
			keep[j] = true
		}
	} else {
		known, err := in.areaCodes(it.Geography)
		if err != nil {
			return err
		}
		if len(known) == 0 {
			return placeplan.Errorf(placeplan.EINVALID, "%s: no %s areas are loaded: ingest boundaries or an IoD file for them first (or in the same command)", p.Input, it.Geography.Label())
		}
		skipped := 0
		for j, a := range it.Areas {
			keep[j] = known[a.Code]
			if !keep[j] {
				skipped++
			}
		}
		if skipped == len(it.Areas) {
			return placeplan.Errorf(placeplan.EINVALID, "%s: none of its %d areas is loaded (first %s)", p.Input, len(it.Areas), it.Areas[0].Code)
		}
		if skipped > 0 {
			in.warnf("%s: %d rows are for %s areas that are not loaded, and were skipped", p.Input, skipped, it.Geography.Label())
		}
	}
	indSt, err := in.tx.PrepareContext(in.ctx, `INSERT INTO indicators (dataset_id, geography, key, name, unit, direction, kind,
		denominator, iod_index, vintage, confidential) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (geography, key) DO UPDATE SET dataset_id = excluded.dataset_id, name = excluded.name, unit = excluded.unit,
			direction = excluded.direction, kind = excluded.kind, denominator = excluded.denominator,
			iod_index = excluded.iod_index, vintage = excluded.vintage, confidential = excluded.confidential
		RETURNING id`)
	if err != nil {
		return err
	}
	defer indSt.Close()
	vals := newBatchInsert(in, `INSERT INTO indicator_values (indicator_id, area_code, value) VALUES `, 3)
	defer vals.close()
	tc := touched{geography: it.Geography, file: p.Input, lads: map[string]bool{}, codes: map[string]bool{}}
	for k, ind := range it.Indicators {
		var id int64
		if err := indSt.QueryRowContext(in.ctx, dsID, string(it.Geography), ind.Key, ind.Name, ind.Unit, int(ind.Direction), ind.Kind,
			ind.Denominator, ind.Index, ind.Vintage, ind.Confidential).Scan(&id); err != nil {
			return fmt.Errorf("indicator %s: %w", ind.Key, err)
		}
		if _, err := in.tx.ExecContext(in.ctx, `DELETE FROM indicator_values WHERE indicator_id = ?`, id); err != nil {
			return err
		}
		for j, a := range it.Areas {
			v := it.Values[k][j]
			if !keep[j] || math.IsNaN(v) {
				continue
			}
			if err := vals.add(id, a.Code, v); err != nil {
				return fmt.Errorf("indicator %s, area %s: %w", ind.Key, a.Code, err)
			}
		}
		if err := vals.flush(); err != nil {
			return fmt.Errorf("indicator %s: %w", ind.Key, err)
		}
		tc.keys = append(tc.keys, ind.Key)
	}
	for j, a := range it.Areas {
		if keep[j] {
			tc.codes[a.Code] = true
		}
	}
	in.indTouched = append(in.indTouched, tc)
	return nil
}

// areaCodes returns the codes of the areas of a geography stored so far.
func (in *ingest) areaCodes(geog placeplan.Geography) (map[string]bool, error) {
	rows, err := in.tx.QueryContext(in.ctx, `SELECT code FROM areas WHERE geography = ?`, string(geog))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out[c] = true
	}
	return out, rows.Err()
}

func (in *ingest) boundaries(p *Part) error {
	b := p.Boundaries
	d := onsDataset(b.Format+" boundaries", b.Geography, len(b.Areas))
	if b.Attribution != "" {
		d.Attribution = b.Attribution
	}
	if _, err := in.dataset(p, d); err != nil {
		return err
	}
	for _, w := range b.Warnings {
		in.warnf("%s: %s", p.Input, w)
	}
	if err := in.upsertAreas(b.Geography, b.Areas); err != nil {
		return err
	}
	st, err := in.tx.PrepareContext(in.ctx, `UPDATE areas SET geometry = ?, min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ?,
		geometry_issue = ?,
		point_lon = CASE WHEN point_kind = 'population-weighted centroid' THEN point_lon ELSE ? END,
		point_lat = CASE WHEN point_kind = 'population-weighted centroid' THEN point_lat ELSE ? END,
		point_kind = CASE WHEN point_kind = 'population-weighted centroid' THEN point_kind ELSE ? END
		WHERE geography = ? AND code = ?`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, a := range b.Areas {
		blob, err := wkb.Marshal(a.Geometry)
		if err != nil {
			return fmt.Errorf("area %s: encode geometry: %w", a.Code, err)
		}
		bd := a.Geometry.Bound()
		if _, err := st.ExecContext(in.ctx, blob, bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1], a.Issue,
			a.Point[0], a.Point[1], a.PointKind, string(b.Geography), a.Code); err != nil {
			return fmt.Errorf("area %s: %w", a.Code, err)
		}
	}
	if in.geomTouched == nil {
		in.geomTouched = map[placeplan.Geography]bool{}
	}
	in.geomTouched[b.Geography] = true
	return nil
}

func (in *ingest) msoaNames(p *Part) error {
	m := p.MSOANames
	if _, err := in.dataset(p, placeplan.Dataset{Format: "House of Commons Library MSOA names", Geography: m.Geography, Records: len(m.MSOAs),
		Publisher: "House of Commons Library", Licence: "Open Parliament Licence",
		Attribution: "MSOA names © House of Commons Library, Open Parliament Licence."}); err != nil {
		return err
	}
	return in.upsertMSOAs(m.Geography, m.MSOAs)
}

func (in *ingest) centroids(p *Part) error {
	c := p.Centroids
	if _, err := in.dataset(p, onsDataset("ONS population-weighted centroids", c.Geography, len(c.Codes))); err != nil {
		return err
	}
	st, err := in.tx.PrepareContext(in.ctx, `UPDATE areas SET point_lon = ?, point_lat = ?, point_kind = 'population-weighted centroid'
		WHERE geography = ? AND code = ?`)
	if err != nil {
		return err
	}
	defer st.Close()
	n := 0
	for i, code := range c.Codes {
		res, err := st.ExecContext(in.ctx, c.Points[i][0], c.Points[i][1], string(c.Geography), code)
		if err != nil {
			return err
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	if n == 0 {
		return placeplan.Errorf(placeplan.EINVALID, "%s: none of its %d centroids is for a loaded %s area", p.Input, len(c.Codes), c.Geography.Label())
	}
	if n < len(c.Codes) {
		in.warnf("%s: %d of %d centroids are for areas not loaded, and were skipped", p.Input, len(c.Codes)-n, len(c.Codes))
	}
	return nil
}

func (in *ingest) points(p *Part) error {
	pl := p.Points
	dsID, err := in.dataset(p, placeplan.Dataset{Format: pl.Format, Records: len(pl.Sites)})
	if err != nil {
		return err
	}
	if _, err := in.tx.ExecContext(in.ctx, `DELETE FROM sites WHERE layer = ?`, pl.Layer); err != nil {
		return err
	}
	st, err := in.tx.PrepareContext(in.ctx, `INSERT INTO sites (layer, id, dataset_id, name, kind, status, capacity, lon, lat, properties)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, s := range pl.Sites {
		props, err := json.Marshal(s.Properties)
		if err != nil {
			return err
		}
		var capacity any
		if !math.IsNaN(s.Capacity) {
			capacity = s.Capacity
		}
		if _, err := st.ExecContext(in.ctx, pl.Layer, s.ID, dsID, s.Name, s.Kind, s.Status, capacity, s.Point[0], s.Point[1], string(props)); err != nil {
			return fmt.Errorf("site %s: %w", s.ID, err)
		}
	}
	return nil
}

// fillMSOAs gives areas without a parent MSOA the one their name implies
// (registry.MSOANameOfLSOA: "Shropshire 027A" is in MSOA "Shropshire
// 027"), where that MSOA is stored.
func (in *ingest) fillMSOAs() error {
	type key struct {
		geog placeplan.Geography
		name string
	}
	rows, err := in.tx.QueryContext(in.ctx, `SELECT geography, name, code FROM msoas`)
	if err != nil {
		return fmt.Errorf("msoas: %w", err)
	}
	msoas := map[key]string{}
	for rows.Next() {
		var g, name, code string
		if err := rows.Scan(&g, &name, &code); err != nil {
			rows.Close()
			return fmt.Errorf("msoas: %w", err)
		}
		msoas[key{placeplan.Geography(g), name}] = code
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("msoas: %w", err)
	}
	if len(msoas) == 0 {
		return nil
	}
	rows, err = in.tx.QueryContext(in.ctx, `SELECT geography, code, name FROM areas WHERE msoa_code = ''`)
	if err != nil {
		return fmt.Errorf("areas without an MSOA: %w", err)
	}
	type fill struct{ geog, code, msoa string }
	var fills []fill
	for rows.Next() {
		var g, code, name string
		if err := rows.Scan(&g, &code, &name); err != nil {
			rows.Close()
			return fmt.Errorf("areas without an MSOA: %w", err)
		}
		if m, ok := registry.MSOANameOfLSOA(name); ok {
			if msoa, ok := msoas[key{placeplan.Geography(g), m}]; ok {
				fills = append(fills, fill{g, code, msoa})
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("areas without an MSOA: %w", err)
	}
	st, err := in.tx.PrepareContext(in.ctx, `UPDATE areas SET msoa_code = ? WHERE geography = ? AND code = ?`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, f := range fills {
		if _, err := st.ExecContext(in.ctx, f.msoa, f.geog, f.code); err != nil {
			return fmt.Errorf("area %s: %w", f.code, err)
		}
	}
	return nil
}

// checkCoverage warns about loaded areas that a new layer leaves out.
func (in *ingest) checkCoverage() error {
	for g := range in.geomTouched {
		var missing, total int
		if err := in.tx.QueryRowContext(in.ctx, `SELECT count(*) FILTER (WHERE geometry IS NULL), count(*) FROM areas WHERE geography = ?`,
			string(g)).Scan(&missing, &total); err != nil {
			return err
		}
		if missing > 0 {
			in.warnf("%d of %d loaded %s areas have no boundary", missing, total, g.Label())
		}
	}
	for _, tc := range in.indTouched {
		// Areas in the same districts as the file's rows but absent from it.
		rows, err := in.tx.QueryContext(in.ctx, `SELECT code, lad_code FROM areas WHERE geography = ?`, string(tc.geography))
		if err != nil {
			return err
		}
		lads := map[string]bool{}
		all := map[string]string{}
		for rows.Next() {
			var c, l string
			if err := rows.Scan(&c, &l); err != nil {
				rows.Close()
				return err
			}
			all[c] = l
		}
		rows.Close()
		for c := range tc.codes {
			lads[all[c]] = true
		}
		missing, total := 0, 0
		for c, l := range all {
			if !lads[l] {
				continue
			}
			total++
			if !tc.codes[c] {
				missing++
			}
		}
		if missing > 0 {
			in.warnf("%s: %d of the %d loaded %s areas in its districts have no row in it", tc.file, missing, total, tc.geography.Label())
		}
	}
	return nil
}

// localities stores locality definitions, resolving them (package
// locality, the rule summarise uses too) over the areas of every
// geography now in the database. A definition that matches no area in any
// geography it is for, an ambiguous MSOA name or an area in two localities
// of a scheme is a problem, and the ingest stores nothing.
func (in *ingest) localities(p *Part) error {
	geogs, err := storedGeographies(in.ctx, in.tx)
	if err != nil {
		return err
	}
	msoas, err := registry.MSOAs()
	if err != nil {
		return err
	}
	probs := record.NewProblems(p.Input)
	var locs []placeplan.Locality
	matchedRows := map[int]bool{}     // definition rows, by line, that matched in some geography
	matchedNames := map[string]bool{} // polygons that did
	for _, g := range geogs {
		stored, err := queryAreas(in.ctx, in.tx, placeplan.AreaQuery{Geography: g})
		if err != nil {
			return err
		}
		areas := make([]record.Area, len(stored))
		for i, a := range stored {
			areas[i] = record.Area{Code: a.Code, Name: a.Name, MSOACode: a.MSOACode, LADCode: a.LADCode, Point: a.Point}
		}
		var res *locality.Resolution
		if p.Localities != nil {
			res = locality.Resolve(p.Localities, g, areas, msoas)
		} else {
			res = locality.ResolvePolygons(p.LocPolys, g, areas)
		}
		for _, pr := range res.Problems {
			if len(pr.Shared) > 0 {
				probs.Addf("%s", pr.SharedName(p.Input, fmt.Sprintf("the loaded %s areas", g.Label())))
			} else {
				where := p.Input
				if pr.Row.Line > 0 {
					where = fmt.Sprintf("%s line %d", p.Input, pr.Row.Line)
				}
				probs.Addf("%s: area %s is in both %q and %q of %q", where, pr.Area, pr.First, pr.Row.Locality, pr.Row.Scheme)
			}
		}
		unmatched := map[int]bool{}
		for _, u := range res.Unmatched {
			unmatched[u.Row.Line] = true
		}
		for _, l := range res.Localities {
			matchedNames[l.Name] = true
		}
		if p.Localities != nil {
			for _, r := range p.Localities.Rows {
				if (r.Geography == "" || r.Geography == g) && !unmatched[r.Line] {
					matchedRows[r.Line] = true
				}
			}
		}
		locs = append(locs, res.Localities...)
	}
	var ds placeplan.Dataset
	switch {
	case p.Localities != nil:
		ds = placeplan.Dataset{Format: "locality definitions", Records: len(p.Localities.Rows)}
		for _, r := range p.Localities.Rows {
			if !matchedRows[r.Line] {
				u := locality.Unmatched{Row: r}
				probs.Addf("%s line %d, locality %q: %s matches no loaded area", p.Input, r.Line, r.Locality, u.What())
			}
		}
	default:
		ds = placeplan.Dataset{Format: "locality polygons", Records: len(p.LocPolys.Names)}
		for _, name := range p.LocPolys.Names {
			if !matchedNames[name] {
				probs.Addf("%s: locality %q contains no loaded area's representative point", p.Input, name)
			}
		}
	}
	if err := probs.Err(); err != nil {
		return err
	}
	dsID, err := in.dataset(p, ds)
	if err != nil {
		return err
	}
	for _, l := range locs {
		if _, err := in.tx.ExecContext(in.ctx, `DELETE FROM localities WHERE scheme = ? AND name = ? AND geography = ?`, l.Scheme, l.Name, string(l.Geography)); err != nil {
			return err
		}
		var id int64
		if err := in.tx.QueryRowContext(in.ctx, `INSERT INTO localities (dataset_id, scheme, name, geography, definition)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, dsID, l.Scheme, l.Name, string(l.Geography), l.Definition).Scan(&id); err != nil {
			return err
		}
		for _, c := range l.Areas {
			if _, err := in.tx.ExecContext(in.ctx, `INSERT INTO locality_areas (locality_id, geography, area_code) VALUES (?, ?, ?)`,
				id, string(l.Geography), c); err != nil {
				return fmt.Errorf("locality %s, area %s: %w", l.Name, c, err)
			}
		}
	}
	in.report.Loaded = append(in.report.Loaded, fmt.Sprintf("%s — %d localities", p.Describe(), len(locs)))
	return nil
}

// batchInsert inserts many rows per statement: one cgo call per few hundred
// rows instead of one per row.
type batchInsert struct {
	in     *ingest
	prefix string
	width  int
	full   *sql.Stmt
	args   []any
}

const batchRows = 256

func newBatchInsert(in *ingest, prefix string, width int) *batchInsert {
	return &batchInsert{in: in, prefix: prefix, width: width}
}

func (b *batchInsert) sql(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.width), ", ") + ")"
	return b.prefix + strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

func (b *batchInsert) add(vals ...any) error {
	b.args = append(b.args, vals...)
	if len(b.args) < batchRows*b.width {
		return nil
	}
	if b.full == nil {
		st, err := b.in.tx.PrepareContext(b.in.ctx, b.sql(batchRows))
		if err != nil {
			return err
		}
		b.full = st
	}
	_, err := b.full.ExecContext(b.in.ctx, b.args...)
	b.args = b.args[:0]
	return err
}

func (b *batchInsert) flush() error {
	if len(b.args) == 0 {
		return nil
	}
	_, err := b.in.tx.ExecContext(b.in.ctx, b.sql(len(b.args)/b.width), b.args...)
	b.args = b.args[:0]
	return err
}

func (b *batchInsert) close() {
	if b.full != nil {
		b.full.Close()
	}
}
