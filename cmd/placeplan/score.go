package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"placeplan"
	"placeplan/data"
	"placeplan/scenario"
)

// cmdScore ranks a scenario's localities by need, with rank intervals and
// explanations.
func cmdScore(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	sc, err := scenario.Open(cfg.Scenario)
	if err != nil {
		return err
	}
	st, err := openScenarioStore(ctx, cfg.DB, sc)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := scenario.Score(ctx, st, sc)
	if err != nil {
		return err
	}
	switch cfg.Format {
	case "json":
		return writeScoreJSON(stdout, res)
	case "csv":
		return writeScoreCSV(stdout, res)
	}
	return writeScoreTable(stdout, res)
}

// openScenarioStore opens --db, else the scenario's database, else the
// embedded default dataset in memory.
func openScenarioStore(ctx context.Context, flagDB string, sc *scenario.Scenario) (*data.Store, error) {
	path := flagDB
	if path == "" {
		path = sc.DBPath()
	}
	if path != "" {
		return openExisting(ctx, path)
	}
	st, err := data.Open(ctx, ":memory:")
	if err != nil {
		return nil, err
	}
	if _, err := data.LoadDefault(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// scoreRow is one locality of a scored scenario on the wire.
type scoreRow struct {
	Rank            int                `json:"rank"`
	Locality        string             `json:"locality"`
	NeedScore       float64            `json:"need_score"`
	MedianRank      *int               `json:"median_rank,omitempty"`
	RankP5          *int               `json:"rank_p5,omitempty"`
	RankP95         *int               `json:"rank_p95,omitempty"`
	TopKProbability *float64           `json:"p_top_k,omitempty"`
	Contributions   map[string]float64 `json:"contributions"`
	Explanation     string             `json:"explanation"`
}

type sensitivityRow struct {
	Factor string  `json:"factor"`
	First  float64 `json:"first_order"`
	Total  float64 `json:"total"`
}

type scoreDoc struct {
	Scenario    string             `json:"scenario"`
	Geography   string             `json:"geography"`
	Scheme      string             `json:"scheme"`
	TopK        int                `json:"top_k,omitempty"`
	Draws       int                `json:"draws,omitempty"`
	Seed        uint64             `json:"seed,omitempty"`
	Method      string             `json:"method"`
	Weights     map[string]float64 `json:"weights"`
	Localities  []scoreRow         `json:"localities"`
	Sensitivity []sensitivityRow   `json:"sensitivity,omitempty"`
	Summary     string             `json:"sensitivity_summary,omitempty"`
	Warnings    []string           `json:"warnings"`
	Attribution []string           `json:"attribution"`
}

// scoreRows orders the localities by rank, then name.
func scoreDocument(res *scenario.Result) scoreDoc {
	doc := scoreDoc{Scenario: res.Scenario.Name, Geography: string(res.Geography), Scheme: res.Scenario.Localities.Scheme,
		Method: res.Method, Weights: map[string]float64{}, Warnings: res.Warnings, Attribution: res.Attribution,
		Summary: res.Sensitivity}
	if doc.Warnings == nil {
		doc.Warnings = []string{}
	}
	for j, ind := range res.Need.Indicators {
		doc.Weights[ind.Key] = res.Need.Weights[j]
	}
	for i, l := range res.Need.Localities {
		row := scoreRow{Rank: l.Rank, Locality: l.Locality, NeedScore: l.Score, Explanation: res.Explanations[i],
			Contributions: map[string]float64{}}
		for j, ind := range res.Need.Indicators {
			row.Contributions[ind.Key] = l.Contributions[j]
		}
		if u := res.Uncertainty; u != nil {
			lu := u.Localities[i]
			row.MedianRank, row.RankP5, row.RankP95 = &lu.MedianRank, &lu.RankP5, &lu.RankP95
			p := lu.TopKProbability
			row.TopKProbability = &p
		}
		doc.Localities = append(doc.Localities, row)
	}
	if u := res.Uncertainty; u != nil {
		doc.TopK, doc.Draws, doc.Seed = u.Settings.TopK, u.Settings.Draws, u.Settings.Seed
		for _, s := range u.Sensitivity {
			doc.Sensitivity = append(doc.Sensitivity, sensitivityRow{Factor: string(s.Factor), First: s.First, Total: s.Total})
		}
	}
	sortRows(doc.Localities)
	return doc
}

func sortRows(rows []scoreRow) {
	slices.SortFunc(rows, func(a, b scoreRow) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), strings.Compare(a.Locality, b.Locality))
	})
}

func writeScoreJSON(w io.Writer, res *scenario.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(scoreDocument(res))
}

func writeScoreCSV(w io.Writer, res *scenario.Result) error {
	doc := scoreDocument(res)
	cw := csv.NewWriter(w)
	header := []string{"rank", "locality", "need_score", "median_rank", "rank_p5", "rank_p95", "p_top_k", "explanation"}
	cw.Write(header)
	for _, r := range doc.Localities {
		rec := []string{strconv.Itoa(r.Rank), r.Locality, strconv.FormatFloat(r.NeedScore, 'f', 6, 64), "", "", "", "", r.Explanation}
		if r.MedianRank != nil {
			rec[3], rec[4], rec[5] = strconv.Itoa(*r.MedianRank), strconv.Itoa(*r.RankP5), strconv.Itoa(*r.RankP95)
			rec[6] = strconv.FormatFloat(*r.TopKProbability, 'f', 3, 64)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func writeScoreTable(w io.Writer, res *scenario.Result) error {
	doc := scoreDocument(res)
	fmt.Fprintf(w, "%s\n%s (%s)\n\n", doc.Scenario, doc.Scheme, placeplan.Geography(doc.Geography).Label())
	tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', tabwriter.AlignRight)
	if res.Uncertainty != nil {
		fmt.Fprintf(tw, "rank\tlocality\tneed score\tmedian rank\t5–95 %% rank\tP(top %d)\t\n", doc.TopK)
	} else {
		fmt.Fprintf(tw, "rank\tlocality\tneed score\t\n")
	}
	for _, r := range doc.Localities {
		if r.MedianRank != nil {
			fmt.Fprintf(tw, "%d\t%s\t%.3f\t%d\t%d–%d\t%.0f %%\t\n", r.Rank, r.Locality, r.NeedScore, *r.MedianRank, *r.RankP5, *r.RankP95, 100**r.TopKProbability)
		} else {
			fmt.Fprintf(tw, "%d\t%s\t%.3f\t\n", r.Rank, r.Locality, r.NeedScore)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s\n", res.Method)
	if doc.Summary != "" {
		fmt.Fprintf(w, "%s\n", doc.Summary)
	}
	fmt.Fprintln(w, "\nWhy each locality ranks where it does:")
	for _, r := range doc.Localities {
		fmt.Fprintf(w, "\n- %s\n", wrap(r.Explanation, 78, "  "))
	}
	if len(doc.Warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings:")
		for _, s := range doc.Warnings {
			fmt.Fprintf(w, "- %s\n", wrap(s, 78, "  "))
		}
	}
	fmt.Fprintln(w, "\nSources:")
	for _, s := range doc.Attribution {
		fmt.Fprintf(w, "- %s\n", wrap(s, 78, "  "))
	}
	return nil
}

// wrap breaks text into lines of at most width characters, indenting the
// continuation lines.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	line := 0
	// Keep "5 %" together: join a number and its per cent sign.
	text = strings.ReplaceAll(text, " %", "\ue000%") // not a space to strings.Fields (U+00A0 would be)
	for i, word := range strings.Fields(text) {
		if i > 0 && line+1+len([]rune(word)) > width {
			b.WriteString("\n" + indent)
			line = len(indent)
		} else if i > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += len([]rune(word))
	}
	return strings.ReplaceAll(b.String(), "\ue000%", " %")
}
