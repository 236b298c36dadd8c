package main

import (
	"flag"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// everyCommand is each runnable command line's name ("areas", "scenario
// list", …) with its spec.
func everyCommand() map[string]spec {
	out := map[string]spec{}
	for _, s := range commands() {
		if s.subs == nil {
			out[s.name] = s
			continue
		}
		for _, sub := range s.subs {
			out[s.name+" "+sub.name] = sub
		}
	}
	return out
}

// TestEveryCommandRuns: each command has a run method dispatch can call,
// its flag set carries its full name, and its synopsis names exactly the
// flags it defines, so the usage cannot drift from the flags.
func TestEveryCommandRuns(t *testing.T) {
	flagRE := regexp.MustCompile(`--([a-z][a-z-]*)`)
	for name, sp := range everyCommand() {
		c := sp.make()
		switch c.(type) {
		case runner, reporter:
		default:
			t.Errorf("%s: no run(ctx, stdout) or run(ctx, stdout, stderr) method", name)
		}
		if got := c.flagSet().Name(); got != name {
			t.Errorf("%s: flag set named %q", name, got)
		}
		var defined, named []string
		c.flagSet().VisitAll(func(f *flag.Flag) { defined = append(defined, f.Name) })
		for _, m := range flagRE.FindAllStringSubmatch(strings.Join(sp.synopsis, " "), -1) {
			if !slices.Contains(named, m[1]) {
				named = append(named, m[1])
			}
		}
		slices.Sort(named)
		if !slices.Equal(defined, named) {
			t.Errorf("%s: defines flags %v but its synopsis names %v", name, defined, named)
		}
	}
}

// TestStrayArgumentsAndUnknownFlags: every command refuses an argument it
// does not take and a flag it does not define with exit 2, the mistake
// and its own usage on stderr, and nothing on stdout (issue 11: "placeplan
// sites … stray" ran).
func TestStrayArgumentsAndUnknownFlags(t *testing.T) {
	dir := t.TempDir()
	demand, cands := dir+"/d.csv", dir+"/c.csv"
	writeFile(t, demand, "id,lon,lat,weight\na,-2.75,52.71,10\n")
	writeFile(t, cands, "id,lon,lat\nS,-2.754,52.708\n")
	db := dir + "/x.db"
	// A command line that would pass validation, for each command.
	valid := map[string][]string{
		"ingest":           {"ingest", "--db", db, demand},
		"areas":            {"areas", "--db", db},
		"localities":       {"localities", "--db", db},
		"datasets":         {"datasets", "--db", db},
		"indicators":       {"indicators", "--db", db},
		"vintages":         {"vintages", "--db", db, "--scheme", "S"},
		"serve":            {"serve", "--addr", "127.0.0.1:0"},
		"summarise":        {"summarise", "--iod", demand},
		"score":            {"score", "--scenario", example},
		"sites":            {"sites", "--demand", demand, "--candidates", cands, "--model", "mclp", "--p", "1", "--standard-km", "5"},
		"plan":             {"plan", "--scenario", fiveTeams},
		"report":           {"report", "--scenario", fiveTeams, "--format", "html", "--out", dir + "/p.html"},
		"scenario list":    {"scenario", "list"},
		"scenario show":    {"scenario", "show", "shropshire-need"},
		"scenario history": {"scenario", "history", "shropshire-need"},
		"scenario create":  {"scenario", "create", "--file", example, "--db", db},
		"scenario update":  {"scenario", "update", "x", "--file", example, "--base", "1", "--db", db},
		"scenario archive": {"scenario", "archive", "x", "--base", "1", "--db", db},
		"scenario export":  {"scenario", "export", "shropshire-need"},
		"scenario import":  {"scenario", "import", example, "--db", db},
		"compare":          {"compare", "a", "b"},
		"check":            {"check", "--db", db},
		"backup":           {"backup", "--db", db, "--out", dir + "/b.db"},
		"restore":          {"restore", "--db", db, "--from", dir + "/b.db"},
		"user add":         {"user", "add", "--db", db, "--name", "ana", "--role", "viewer"},
		"user list":        {"user", "list", "--db", db},
		"user disable":     {"user", "disable", "--db", db, "--name", "ana"},
		"user role":        {"user", "role", "--db", db, "--name", "ana", "--role", "admin"},
		"token create":     {"token", "create", "--db", db, "--user", "ana"},
		"token list":       {"token", "list", "--db", db},
		"token revoke":     {"token", "revoke", "--db", db, "--id", "0123456789ab"},
		"audit":            {"audit", "--db", db},
		"version":          {"version"},
	}
	takesArgs := map[string]bool{"ingest": true, "scenario import": true, "compare": true}
	for name := range everyCommand() {
		args, ok := valid[name]
		if !ok {
			t.Errorf("%s: no valid command line in this test", name)
			continue
		}
		c := everyCommand()[name].make()
		pos, err := parseInterspersed(c.flagSet(), args[len(strings.Fields(name)):])
		if err != nil {
			t.Errorf("%v: %v", args, err)
			continue
		}
		if c.setArgs(pos); c.validate() != nil {
			t.Errorf("%v does not validate: %v", args, c.validate())
		}
		usage := "Usage:\n  placeplan " + name
		if !takesArgs[name] {
			mistake := name + `: unexpected argument "stray"`
			if strings.HasPrefix(name, "scenario ") {
				mistake = fmt.Sprintf("%s: want %d argument(s), got %d", name, len(pos), len(pos)+1)
			}
			out, errOut, code := runCLI(t, append(slices.Clone(args), "stray")...)
			if code != 2 || out != "" || !strings.Contains(errOut, "placeplan: "+mistake) || !strings.Contains(errOut, usage) {
				t.Errorf("%v stray: exit %d, stdout %q, stderr:\n%s", args, code, out, errOut)
			}
		}
		out, errOut, code := runCLI(t, append(slices.Clone(args), "--no-such-flag")...)
		if code != 2 || out != "" || !strings.Contains(errOut, "placeplan: flag provided but not defined: -no-such-flag") || !strings.Contains(errOut, usage) {
			t.Errorf("%v --no-such-flag: exit %d, stdout %q, stderr:\n%s", args, code, out, errOut)
		}
	}
	// The case of the issue, word for word.
	_, errOut, code := runCLI(t, "sites", "--demand", demand, "--candidates", cands, "--model", "mclp", "--p", "1", "--standard-km", "5", "stray")
	if code != 2 || !strings.Contains(errOut, `sites: unexpected argument "stray"`) {
		t.Errorf("sites … stray: exit %d, %s", code, errOut)
	}
}

// TestHelp: "placeplan help CMD" and "placeplan CMD -h" print the
// command's usage to stdout and exit 0; an unknown command is a usage
// mistake (exit 2).
func TestHelp(t *testing.T) {
	for name := range everyCommand() {
		words := strings.Fields(name)
		want, errOut, code := runCLI(t, append([]string{"help"}, words...)...)
		if code != 0 || errOut != "" || !strings.HasPrefix(want, "Usage:\n  placeplan "+name) {
			t.Errorf("help %s: exit %d, stdout:\n%s\nstderr: %s", name, code, want, errOut)
		}
		for _, h := range []string{"-h", "--help"} {
			got, errOut, code := runCLI(t, append(slices.Clone(words), h)...)
			if code != 0 || errOut != "" || got != want {
				t.Errorf("%s %s: exit %d, stderr %q, stdout differs from help %s:\n%s", name, h, code, errOut, name, got)
			}
		}
	}
	for _, args := range [][]string{{"help", "scenario"}, {"scenario", "-h"}} {
		out, _, code := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "placeplan scenario update ID --file FILE --base REV") {
			t.Errorf("%v: exit %d:\n%s", args, code, out)
		}
	}
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		out, _, code := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "placeplan sites --demand FILE") || !strings.Contains(out, "placeplan help [COMMAND [ACTION]]") {
			t.Errorf("%v: exit %d:\n%s", args, code, out)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "publish"}, `help: unknown command "publish"`},
		{[]string{"publish", "-h"}, `unknown command "publish"`},
		{[]string{"help", "scenario", "rename"}, `help: scenario "rename": use list, show, history, create, update, archive, export or import`},
		{[]string{"help", "areas", "extra"}, `help: unexpected argument "extra"`},
		{[]string{"scenario", "rename"}, `scenario "rename": use list, show, history, create, update, archive, export or import`},
		{[]string{"scenraio", "list"}, `unknown command "scenraio" (did you mean "scenario"?)`},
		{[]string{"scenario", "lsit"}, `scenario "lsit": use list, show, history, create, update, archive, export or import (did you mean "list"?)`},
		{[]string{"sites", "--modle", "mclp"}, `flag provided but not defined: -modle (did you mean "--model"?)`},
		{[]string{"scenario", "--db", "x.db", "list"}, "scenario: give the action first (list, show, history, create, update, archive, export or import), then its flags"},
		{nil, "no command given"},
	} {
		if _, errOut, code := runCLI(t, tc.args...); code != 2 || !strings.Contains(errOut, "placeplan: "+tc.want+"\n") {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s", tc.args, code, tc.want, errOut)
		}
	}
	if out, _, code := runCLI(t, "--version"); code != 0 || out != "placeplan dev\n" {
		t.Errorf("--version: exit %d, %q", code, out)
	}
}

// TestREADMESynopsis: the README's command-line block is the program's
// usage, line for line.
func TestREADMESynopsis(t *testing.T) {
	readme := readFile(t, "../../README.md")
	_, block, ok := strings.Cut(readme, "## Command line\n\n```\n")
	if !ok {
		t.Fatal("README has no command-line block")
	}
	block, _, _ = strings.Cut(block, "```")
	usage := globalUsage()
	_, want, _ := strings.Cut(usage, "Usage:\n")
	want, _, _ = strings.Cut(want, "\n\n")
	var lines []string
	for _, l := range strings.Split(want, "\n") {
		lines = append(lines, strings.TrimPrefix(l, "  "))
	}
	if got := strings.TrimSuffix(block, "\n"); got != strings.Join(lines, "\n") {
		t.Errorf("README's command line:\n%s\nthe usage:\n%s", got, strings.Join(lines, "\n"))
	}
}
