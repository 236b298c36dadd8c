package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed paper.css
var paperCSS string

// paperHTML is the board paper as one self-contained HTML document: its
// styles inline, its maps and charts inline SVG, nothing fetched.
var paperHTML = template.Must(template.New("paper").Funcs(template.FuncMap{
	"svg":    func(s string) template.HTML { return template.HTML(s) }, // made by Map.SVG and Chart.SVG, which escape their text
	"css":    func() template.CSS { return template.CSS(paperCSS) },
	"letter": func(i int) string { return "(" + string(rune('a'+i)) + ")" },
	"align": func(t *Table, i int) string {
		if i < len(t.Numeric) && t.Numeric[i] {
			return "num"
		}
		return ""
	},
}).Parse(`<!doctype html>
<html lang="{{.Language}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<meta name="description" content="{{.Council}} committee report: {{.Title}}">
<style>{{css}}</style>
</head>
<body>
<header class="front">
<p class="council">{{.Council}}</p>
<h1>{{.Title}}</h1>
<table class="front-sheet">
<caption class="visually-hidden">Front sheet</caption>
<tbody>
{{range .FrontSheet}}<tr><th scope="row">{{.Label}}</th><td{{if .Missing}} class="missing"{{end}}>{{.Value}}</td></tr>
{{end}}</tbody>
</table>
{{if .Flags}}<div class="flags" role="note"><h2 class="flags-title">Before this paper goes out, complete:</h2><ul>{{range .Flags}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
</header>
<main>
{{range .Sections}}{{template "section" .}}{{end}}
{{range .Appendices}}{{template "appendix" .}}{{end}}
</main>
<footer class="screen-footer"><p>{{.Marking}} · {{.Footer}} · made {{.Date.Format "2 January 2006"}}</p></footer>
</body>
</html>
{{define "section"}}<section id="{{.Key}}" aria-labelledby="{{.Key}}-h">
<h2 id="{{.Key}}-h"><span class="number">{{.Number}}.</span> {{.Title}}</h2>
{{template "blocks" .Blocks}}</section>
{{end}}
{{define "appendix"}}<section id="{{.Key}}" class="appendix" aria-labelledby="{{.Key}}-h">
<h2 id="{{.Key}}-h">Appendix {{.Number}}: {{.Title}}</h2>
{{template "blocks" .Blocks}}</section>
{{end}}
{{define "blocks"}}{{range .}}{{if .Para}}{{with .Para}}<div class="para{{if .Missing}} missing{{end}}"><span class="number">{{.Number}}</span><div class="para-body"><p>{{.Text}}</p>
{{if .Items}}<ol class="lettered">{{range $i, $it := .Items}}<li><span class="letter">{{letter $i}}</span> {{$it}}</li>{{end}}</ol>{{end}}</div></div>
{{end}}{{end}}{{if .Table}}{{template "table" .Table}}{{end}}{{if .Figure}}{{with .Figure}}<figure id="{{.ID}}">
{{svg .SVG}}
<figcaption>{{.Caption}}.{{if .TableID}} The same information is in <a href="#{{.TableID}}">a table</a>.{{end}}</figcaption>
</figure>
{{end}}{{end}}{{end}}{{end}}
{{define "table"}}<table id="{{.ID}}">
<caption>{{.Caption}}</caption>
<thead><tr>{{range $i, $h := .Head}}<th scope="col" class="{{align $ $i}}">{{$h}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}{{$row := .}}<tr>{{range $i, $c := $row}}{{if eq $i 0}}<th scope="row">{{$c}}</th>{{else}}<td class="{{align $ $i}}">{{$c}}</td>{{end}}{{end}}</tr>
{{end}}</tbody>
</table>
{{range .Notes}}<p class="table-note">{{.}}</p>
{{end}}{{end}}`))

// WriteHTML writes the paper as one self-contained HTML document.
func WriteHTML(w io.Writer, p *Paper) error {
	if err := paperHTML.Execute(w, p); err != nil {
		return fmt.Errorf("write paper html: %w", err)
	}
	return nil
}

// HTML returns the paper as an HTML document.
func HTML(p *Paper) (string, error) {
	var sb strings.Builder
	err := WriteHTML(&sb, p)
	return sb.String(), err
}
