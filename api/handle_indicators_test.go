package api

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestIndicatorCatalogue(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()
	rec := get(t, h, "/api/v1/indicators?geography=lsoa11")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var cat []indicatorResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &cat); err != nil {
		t.Fatal(err)
	}
	byKey := map[string]indicatorResponse{}
	for _, ind := range cat {
		if ind.Geography != "lsoa11" {
			t.Errorf("%s is on %s", ind.Key, ind.Geography)
		}
		byKey[ind.Key] = ind
	}
	idaci := byKey["idaci_score"]
	if idaci.Direction != "higher_is_worse" || idaci.Kind != "rate" || idaci.Denominator != "children" || idaci.Vintage != "IoD2019" {
		t.Errorf("idaci_score = %+v", idaci)
	}
	if r := byKey["imd_rank"]; r.Direction != "higher_is_better" || r.Kind != "rank" {
		t.Errorf("imd_rank = %+v", r)
	}
	if rec := get(t, h, "/api/v1/indicators?geography=ward"); rec.Code != http.StatusBadRequest {
		t.Errorf("bad geography: status %d", rec.Code)
	}
	if rec := get(t, h, "/api/v1/indicators"); rec.Header().Get("ETag") == "" {
		t.Error("no ETag on a data-derived response")
	}
}
