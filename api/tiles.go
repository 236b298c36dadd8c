package api

// tileState holds what the vector-tile routes share: the tile layers built
// per data revision and the encoded-tile cache. (Filled in by the tiles
// work of issue 5.)
type tileState struct{}

func newTileState(cfg Config) *tileState { return &tileState{} }

// tileRoutes are the vector-tile, TileJSON and classification routes.
func (s *Server) tileRoutes() []route { return nil }
