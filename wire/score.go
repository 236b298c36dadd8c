package wire

import (
	"cmp"
	"slices"
	"strings"

	"placeplan/scenario"
)

// ScoreRow is one locality of a scored scenario on the wire.
type ScoreRow struct {
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

// SensitivityRow is one factor's sensitivity indices.
type SensitivityRow struct {
	Factor string  `json:"factor"`
	First  float64 `json:"first_order"`
	Total  float64 `json:"total"`
}

// Score is a scored scenario on the wire: what
// "placeplan score --format json" prints and the score endpoints send.
type Score struct {
	Scenario    string             `json:"scenario"`
	Geography   string             `json:"geography"`
	Scheme      string             `json:"scheme"`
	TopK        int                `json:"top_k,omitempty"`
	Draws       int                `json:"draws,omitempty"`
	Seed        uint64             `json:"seed,omitempty"`
	Method      string             `json:"method"`
	Weights     map[string]float64 `json:"weights"`
	Localities  []ScoreRow         `json:"localities"`
	Sensitivity []SensitivityRow   `json:"sensitivity,omitempty"`
	Summary     string             `json:"sensitivity_summary,omitempty"`
	Warnings    []string           `json:"warnings"`
	Attribution []string           `json:"attribution"`
	// Areas, when asked for (?areas=true), is the scenario's need for each
	// small area, in code order.
	Areas []ScoreArea `json:"areas,omitempty"`
}

// ScoreArea is one small area of a scored scenario on the wire: its own
// need score, rank (1 = most need among every area scored) and share (of
// the areas with less need), all null when it lacks a value for some
// indicator; its locality in the scenario's scheme and that locality's
// rank, null outside the localities ranked. The same figures as the areas
// layer and tiles with ?scenario=.
type ScoreArea struct {
	Code             string   `json:"code"`
	NeedScore        *float64 `json:"need_score"`
	NeedRank         *int     `json:"need_rank"`
	NeedShare        *float64 `json:"need_share"`
	Locality         *string  `json:"locality"`
	LocalityNeedRank *int     `json:"locality_need_rank"`
}

// NewScoreAreas converts the per-area need of a scored scenario for the
// wire.
func NewScoreAreas(rows []scenario.AreaResult) []ScoreArea {
	out := make([]ScoreArea, len(rows))
	for i, a := range rows {
		out[i] = ScoreArea{Code: a.Code}
		if a.NeedRank > 0 {
			out[i].NeedScore, out[i].NeedRank, out[i].NeedShare = Finite(a.NeedScore), &a.NeedRank, Finite(a.NeedShare)
		}
		if a.Locality != "" {
			out[i].Locality, out[i].LocalityNeedRank = &a.Locality, &a.LocalityNeedRank
		}
	}
	return out
}

// NewScore converts a scored scenario for the wire, localities in
// rank order, then by name.
func NewScore(res *scenario.Result) Score {
	doc := Score{Scenario: res.Scenario.Name, Geography: string(res.Geography), Scheme: res.Scenario.Localities.Scheme,
		Method: res.Method, Weights: map[string]float64{}, Warnings: res.Warnings, Attribution: res.Attribution,
		Summary: res.Sensitivity}
	if doc.Warnings == nil {
		doc.Warnings = []string{}
	}
	for j, ind := range res.Need.Indicators {
		doc.Weights[ind.Key] = res.Need.Weights[j]
	}
	for i, l := range res.Need.Localities {
		row := ScoreRow{Rank: l.Rank, Locality: l.Locality, NeedScore: l.Score, Explanation: res.Explanations[i],
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
			doc.Sensitivity = append(doc.Sensitivity, SensitivityRow{Factor: string(s.Factor), First: s.First, Total: s.Total})
		}
	}
	sortRows(doc.Localities)
	return doc
}

func sortRows(rows []ScoreRow) {
	slices.SortFunc(rows, func(a, b ScoreRow) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), strings.Compare(a.Locality, b.Locality))
	})
}
