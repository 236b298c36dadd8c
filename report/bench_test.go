package report_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"placeplan/report"
	"placeplan/scenario"
)

// BenchmarkShropshirePaper makes the Shropshire five-team paper from the
// scenario: the plan, the paper, and each format written (the PDF printed
// by a fresh headless Chromium each time, as the command does). Target
// for the PDF: under 3 s.
func BenchmarkShropshirePaper(b *testing.B) {
	st, err := defaultStore()
	if err != nil {
		b.Fatal(err)
	}
	sc, err := scenario.LookupBuiltin("shropshire-five-teams")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	req := report.Request{Label: "shropshire-five-teams", Scenario: sc, Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		format string
		write  func(*bytes.Buffer, *report.Report) error
	}{
		{"html", func(w *bytes.Buffer, r *report.Report) error { return report.WriteHTML(w, r.Paper) }},
		{"pdf", func(w *bytes.Buffer, r *report.Report) error { return report.WritePDF(ctx, w, r.Paper, "") }},
		{"docx", func(w *bytes.Buffer, r *report.Report) error { return report.WriteDOCX(ctx, w, r.Paper, "", "") }},
		{"xlsx", func(w *bytes.Buffer, r *report.Report) error { return report.WriteXLSX(w, r) }},
	} {
		b.Run(tc.format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rep, err := report.Make(ctx, st, req)
				if err != nil {
					b.Fatal(err)
				}
				var buf bytes.Buffer
				if err := tc.write(&buf, rep); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(buf.Len())/1e6, "MB")
			}
		})
	}
}
