package scoring

import (
	"math"

	"placeplan"
)

// NeedDraws replays the Monte Carlo behind Uncertainty for callers that need
// every draw's scores rather than rank summaries — for instance to re-run
// site selection under each plausible weighting. For each of s.Draws draws
// of weights, normalisation method and aggregation (drawn as Uncertainty
// draws them, from the same seed), it calls each with the draw's number
// (0-based) and the score of every locality of in, higher meaning more need.
// Under geometric aggregation the scores are log-scores: compare scores
// within a draw, not across draws. The scores slice is reused between calls;
// an error from each stops the run and is returned. s.TopK is not used.
func NeedDraws(in NeedInput, s UncertaintySettings, each func(draw int, scores []float64) error) error {
	base, err := Need(in)
	if err != nil {
		return err
	}
	switch {
	case s.Draws < 1:
		return placeplan.Errorf(placeplan.EINVALID, "%d draws: want 1 or more", s.Draws)
	case math.IsNaN(s.Concentration) || math.IsInf(s.Concentration, 0) || s.Concentration < 0:
		return placeplan.Errorf(placeplan.EINVALID, "concentration %v: want a finite number of zero or more", s.Concentration)
	}
	model, s, err := newMCModel(in, s)
	if err != nil {
		return err
	}
	sampler := newDrawSampler(s, base.Weights)
	d := newMCDraw(len(in.Indicators))
	for r := range s.Draws {
		sampler.sample(&d)
		model.score(d.w, d.m, d.a)
		if err := each(r, model.scores); err != nil {
			return err
		}
	}
	return nil
}
