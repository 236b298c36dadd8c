package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/chromedp/chromedp"

	"placeplan"
)

// The Word paper is made by Debian's pandoc from a plain, semantic HTML of
// the paper (headings, paragraphs, real tables, images with alt text):
// pandoc maps headings to Word's Heading styles and tables to Word tables,
// which is what lets an officer paste the paper into the council's own
// template. pandoc cannot draw SVG, so each map and chart is first
// rendered to a PNG by the same headless Chromium that prints the PDF.

// wordHTML is the paper as pandoc reads it best: no styles, no layout
// boxes; paragraph numbers at the start of their paragraphs.
var wordHTML = template.Must(template.New("word").Funcs(template.FuncMap{
	"letter": func(i int) string { return "(" + string(rune('a'+i)) + ")" },
	"dict":   func(v wordView, blocks []Block) wordBlocks { return wordBlocks{View: v, Blocks: blocks} },
}).Parse(`<!doctype html>
<html lang="{{.Paper.Language}}">
<head><meta charset="utf-8"><title>{{.Paper.Title}}</title></head>
<body>
<p><strong>{{.Paper.Council}}</strong></p>
<h1>{{.Paper.Title}}</h1>
<table>
<tbody>
{{range .Paper.FrontSheet}}<tr><th>{{.Label}}</th><td>{{if .Missing}}[{{.Value}}]{{else}}{{.Value}}{{end}}</td></tr>
{{end}}</tbody>
</table>
{{range .Paper.Sections}}<h2>{{.Number}}. {{.Title}}</h2>
{{template "blocks" dict $ .Blocks}}{{end}}
{{range .Paper.Appendices}}<h2>Appendix {{.Number}}: {{.Title}}</h2>
{{template "blocks" dict $ .Blocks}}{{end}}
<p>{{.Paper.Marking}} · {{.Paper.Footer}}</p>
</body>
</html>
{{define "blocks"}}{{$v := .View}}{{range .Blocks}}{{if .Para}}{{with .Para}}<p>{{.Number}} {{if .Missing}}[{{.Text}}]{{else}}{{.Text}}{{end}}</p>
{{range $i, $it := .Items}}<p>{{letter $i}} {{$it}}</p>
{{end}}{{end}}{{end}}{{if .Table}}{{with .Table}}<table>
<caption>{{.Caption}}</caption>
<thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
{{range .Notes}}<p>{{.}}</p>
{{end}}{{end}}{{end}}{{if .Figure}}{{with .Figure}}<p><img src="{{index $v.Images .ID}}" alt="{{.Alt}}" title="{{.Alt}}" style="width:16cm"></p>
<p>Figure: {{.Caption}}.</p>
{{end}}{{end}}{{end}}{{end}}`))

// wordView is what wordHTML renders: the paper and its figures' image
// files, by figure ID.
type wordView struct {
	Paper  *Paper
	Images map[string]string
}

// wordBlocks is the data of the blocks template: the view and the blocks.
type wordBlocks struct {
	View   wordView
	Blocks []Block
}

// Pandoc names the pandoc executable WriteDOCX runs, or "" for pandoc on
// PATH.
type Pandoc string

// WriteDOCX writes the paper as a Word document: Chromium renders its maps
// and charts to PNG (at twice their printed size), pandoc converts the
// plain HTML of the paper with them.
func WriteDOCX(ctx context.Context, w io.Writer, p *Paper, browser Chromium, pandoc Pandoc) error {
	exe := string(pandoc)
	if exe == "" {
		exe = "pandoc"
	}
	exe, err := exec.LookPath(exe)
	if err != nil {
		return placeplan.Errorf(placeplan.EUNSUPPORTED, "docx: the Word paper is made by pandoc, and %s was not found: install Debian's pandoc package, or write --format pdf or html", exe)
	}
	dir, err := os.MkdirTemp("", "placeplan-docx-")
	if err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	defer os.RemoveAll(dir)
	view := wordView{Paper: p, Images: map[string]string{}}
	var figures []*Figure
	for _, s := range append(append([]Section{}, p.Sections...), p.Appendices...) {
		for _, b := range s.Blocks {
			if b.Figure != nil {
				figures = append(figures, b.Figure)
			}
		}
	}
	err = browser.run(ctx, "docx", func(bctx context.Context) error {
		for _, f := range figures {
			svg, err := f.SVG()
			if err != nil {
				return fmt.Errorf("figure %s: %w", f.ID, err)
			}
			if err := setContent(bctx, `<!doctype html><html><body style="margin:0;background:#fff">`+svg+`</body></html>`); err != nil {
				return err
			}
			png, err := chromedp.Run(bctx, chromedp.ScreenshotScale(chromedp.CSS("svg"), 2))
			if err != nil {
				return fmt.Errorf("figure %s: %w", f.ID, err)
			}
			name := f.ID + ".png"
			if err := os.WriteFile(filepath.Join(dir, name), png, 0o600); err != nil {
				return err
			}
			view.Images[f.ID] = name
		}
		return nil
	})
	if err != nil {
		return err
	}
	var page bytes.Buffer
	if err := wordHTML.Execute(&page, view); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	in, out := filepath.Join(dir, "paper.html"), filepath.Join(dir, "paper.docx")
	if err := os.WriteFile(in, page.Bytes(), 0o600); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe, "--from", "html", "--to", "docx", "--resource-path", dir,
		"--metadata", "title="+p.Title, "--metadata", "lang="+p.Language, "--output", out, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.Canceled) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return ctx.Err()
		}
		return fmt.Errorf("docx: %s: %w: %s", exe, err, bytes.TrimSpace(stderr.Bytes()))
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("docx: write: %w", err)
	}
	return nil
}
