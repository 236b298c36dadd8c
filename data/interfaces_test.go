package data_test

import (
	"placeplan/accounts"
	"placeplan/data"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
)

// The store satisfies every interface the scenario use cases (and the
// tile service) declare.
// They are checked here, in an external test package, because package
// scenario's own tests import data: a check in package data itself would
// be an import cycle for them.
var (
	_ scenario.AreaData      = (*data.Store)(nil)
	_ scenario.Store         = (*data.Store)(nil)
	_ scenario.PlanStore     = (*data.Store)(nil)
	_ scenario.RegistryStore = (*data.Store)(nil)
	_ scenario.SearchStore   = (*data.Store)(nil)
	_ scenario.SummaryStore  = (*data.Store)(nil)
	_ scenario.VintageStore  = (*data.Store)(nil)
	_ tiles.Store            = (*data.Store)(nil)
	_ tiles.TileStore        = (*data.Store)(nil)
)

// The account use cases' store.
var _ accounts.Store = (*data.Store)(nil)
