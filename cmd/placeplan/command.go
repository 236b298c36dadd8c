package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"placeplan/internal/suggest"
)

// A command is one subcommand: a struct holding its typed config, whose
// fields are bound to its own flag set when it is made. validate checks
// the whole command line once it is parsed, before anything is opened.
type command interface {
	flagSet() *flag.FlagSet
	setArgs(args []string)
	validate() error
}

// What a command does is its run method: run(ctx, stdout), or
// run(ctx, stdout, stderr) for the commands that report progress or
// warnings on stderr.
type (
	runner interface {
		run(ctx context.Context, stdout io.Writer) error
	}
	reporter interface {
		run(ctx context.Context, stdout, stderr io.Writer) error
	}
)

// spec names a subcommand for dispatch and help.
type spec struct {
	name     string
	aliases  []string
	synopsis []string       // the command line after "placeplan NAME", one element per printed line
	about    string         // what it does, for its usage
	make     func() command // a fresh command with its flags defined; nil for a group
	subs     []spec         // a group's actions ("scenario list", …)
}

// commands is placeplan's command table, in the order of its usage.
func commands() []spec {
	return []spec{
		ingestSpec(), areasSpec(), localitiesSpec(), datasetsSpec(), indicatorsSpec(), vintagesSpec(), serveSpec(),
		summariseSpec(), scoreSpec(), sitesSpec(), planSpec(), reportSpec(), scenarioSpec(), compareSpec(), checkSpec(), backupSpec(), restoreSpec(),
		userSpec(), tokenSpec(), auditSpec(), versionSpec(),
	}
}

func find(specs []spec, name string) (spec, bool) {
	for _, s := range specs {
		if s.name == name {
			return s, true
		}
		for _, a := range s.aliases {
			if a == name {
				return s, true
			}
		}
	}
	return spec{}, false
}

func isHelpFlag(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// dispatch runs the subcommand args name: it parses and validates its
// command line, then runs it. parent is the group's name ("scenario")
// when specs are a group's actions.
func dispatch(ctx context.Context, specs []spec, parent string, args []string, stdout, stderr io.Writer) error {
	sp, ok := find(specs, args[0])
	if !ok {
		return usageError{msg: fmt.Sprintf("unknown command %q%s", args[0], suggest.Hint(args[0], specNames(specs)))}
	}
	name := strings.TrimSpace(parent + " " + sp.name)
	if sp.subs != nil {
		return dispatchGroup(ctx, sp, args[1:], stdout, stderr)
	}
	c := sp.make()
	usage := commandUsage(name, sp, c.flagSet())
	pos, err := parseInterspersed(c.flagSet(), args[1:])
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return nil
	case err != nil:
		return usageError{msg: flagMistake(c.flagSet(), err), usage: usage}
	}
	c.setArgs(pos)
	if err := c.validate(); err != nil {
		return withUsage(err, usage)
	}
	switch c := c.(type) {
	case reporter:
		err = c.run(ctx, stdout, stderr)
	case runner:
		err = c.run(ctx, stdout)
	default:
		err = fmt.Errorf("command %s has no run method", name) // TestEveryCommandRuns keeps this unreachable
	}
	return withUsage(err, usage)
}

// dispatchGroup runs one action of a group of subcommands: "scenario list".
func dispatchGroup(ctx context.Context, g spec, args []string, stdout, stderr io.Writer) error {
	usage := groupUsage(g)
	switch {
	case len(args) == 0:
		return usageError{msg: fmt.Sprintf("%s: give an action: %s", g.name, names(g.subs)), usage: usage}
	case isHelpFlag(args[0]):
		fmt.Fprint(stdout, usage)
		return nil
	}
	if _, ok := find(g.subs, args[0]); !ok {
		if strings.HasPrefix(args[0], "-") {
			return usageError{msg: fmt.Sprintf("%s: give the action first (%s), then its flags", g.name, names(g.subs)), usage: usage}
		}
		return usageError{msg: fmt.Sprintf("%s %q: use %s%s", g.name, args[0], names(g.subs), suggest.Hint(args[0], specNames(g.subs))), usage: usage}
	}
	return dispatch(ctx, g.subs, g.name, args, stdout, stderr)
}

// withUsage gives a usage mistake the usage of the command it concerns.
func withUsage(err error, usage string) error {
	var ue usageError
	if errors.As(err, &ue) && ue.usage == "" {
		ue.usage = usage
		return ue
	}
	return err
}

// help answers "placeplan help [COMMAND [ACTION]]" on stdout.
func help(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, globalUsage())
		return nil
	}
	sp, ok := find(commands(), args[0])
	if !ok {
		return usageError{msg: fmt.Sprintf("help: unknown command %q", args[0])}
	}
	name := sp.name
	if sp.subs != nil && len(args) > 1 {
		g := sp
		if sp, ok = find(g.subs, args[1]); !ok {
			return usageError{msg: fmt.Sprintf("help: %s %q: use %s", g.name, args[1], names(g.subs)), usage: groupUsage(g)}
		}
		name, args = g.name+" "+sp.name, args[1:]
	}
	if len(args) > 1 {
		return usageError{msg: fmt.Sprintf("help: unexpected argument %q", args[1])}
	}
	if sp.subs != nil {
		fmt.Fprint(stdout, groupUsage(sp))
		return nil
	}
	fmt.Fprint(stdout, commandUsage(name, sp, sp.make().flagSet()))
	return nil
}

// parseInterspersed parses args with fs, allowing flags after positional
// arguments ("ingest a.csv --db x.db"), and returns the positional
// arguments in order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// specNames are the names of specs.
func specNames(specs []spec) []string {
	n := make([]string, len(specs))
	for i, s := range specs {
		n[i] = s.name
	}
	return n
}

// flagMistake is the flag package's error, with the flag meant when it
// names one the command does not have: "flag provided but not defined:
// -modle (did you mean "--model"?)".
func flagMistake(fs *flag.FlagSet, err error) string {
	const undefined = "flag provided but not defined: -"
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, undefined)
	if !ok {
		return msg
	}
	var flags []string
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f.Name) })
	if c := suggest.Closest(name, flags); c != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", "--"+c)
	}
	return msg
}

// cmdLine is what every command has: its flag set and the positional
// arguments found among its flags.
type cmdLine struct {
	fs   *flag.FlagSet
	args []string
}

// newCmdLine makes the flag set of the command name. The flag package
// prints nothing: dispatch reports mistakes with the command's usage.
func newCmdLine(name string) cmdLine {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return cmdLine{fs: fs}
}

func (c *cmdLine) flagSet() *flag.FlagSet { return c.fs }
func (c *cmdLine) setArgs(args []string)  { c.args = args }

// noArgs refuses positional arguments, for the commands that take none.
func (c *cmdLine) noArgs() error {
	if len(c.args) > 0 {
		return usageError{msg: fmt.Sprintf("%s: unexpected argument %q", c.fs.Name(), c.args[0])}
	}
	return nil
}

// stringOf is a flag bound to a field of a string type (a geography, a
// grouping): the flag sets it as given and the command's validate checks
// it, so that a mistake gets the command's own message.
type stringOf[T ~string] struct{ p *T }

func (v stringOf[T]) String() string {
	if v.p == nil {
		return ""
	}
	return string(*v.p)
}
func (v stringOf[T]) Set(s string) error { *v.p = T(s); return nil }
func (v stringOf[T]) Get() any           { return string(*v.p) }

// stringVar defines a flag of a string type with a default.
func stringVar[T ~string](fs *flag.FlagSet, p *T, name string, def T, usage string) {
	*p = def
	fs.Var(stringOf[T]{p}, name, usage)
}

// names joins the names of specs as "a, b or c".
func names(specs []spec) string {
	n := specNames(specs)
	if len(n) < 2 {
		return strings.Join(n, "")
	}
	return strings.Join(n[:len(n)-1], ", ") + " or " + n[len(n)-1]
}

// synopsis writes "  placeplan NAME …" with continuation lines aligned
// after the name.
func synopsis(b *strings.Builder, name string, lines []string) {
	lead := "  placeplan " + name
	for i, l := range lines {
		if i == 0 {
			b.WriteString(lead)
		} else {
			b.WriteString(strings.Repeat(" ", len(lead)))
		}
		if l != "" {
			b.WriteString(" " + l)
		}
		b.WriteByte('\n')
	}
	if len(lines) == 0 {
		b.WriteString(lead + "\n")
	}
}

// commandUsage is the usage of one command: its synopsis, what it does,
// and its flags.
func commandUsage(name string, sp spec, fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString("Usage:\n")
	synopsis(&b, name, sp.synopsis)
	if sp.about != "" {
		b.WriteString("\n" + sp.about + "\n")
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return b.String()
	}
	b.WriteString("\nFlags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := flag.UnquoteUsage(f)
		b.WriteString("  --" + f.Name)
		if arg != "" {
			b.WriteString(" " + arg)
		}
		b.WriteString("\n        " + text)
		switch def := f.DefValue; {
		case def == "" || def == "0" || def == "false":
		case isString(f):
			fmt.Fprintf(&b, " (default %q)", def)
		default:
			fmt.Fprintf(&b, " (default %s)", def)
		}
		b.WriteByte('\n')
	})
	return b.String()
}

func isString(f *flag.Flag) bool {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	_, s := g.Get().(string)
	return s
}

// groupUsage is the usage of a group of commands: each action's synopsis,
// and what the group does.
func groupUsage(g spec) string {
	var b strings.Builder
	b.WriteString("Usage:\n")
	for _, s := range g.subs {
		synopsis(&b, g.name+" "+s.name, s.synopsis)
	}
	if g.about != "" {
		b.WriteString("\n" + g.about + "\n")
	}
	fmt.Fprintf(&b, "\nRun 'placeplan help %s ACTION' (or placeplan %s ACTION -h) for an action's flags.\n", g.name, g.name)
	return b.String()
}

// globalUsage is "placeplan help": every command's synopsis and how
// ingest and serve treat their input.
func globalUsage() string {
	var b strings.Builder
	b.WriteString("placeplan — population-health site selection and rollout planning\n\nUsage:\n")
	for _, s := range commands() {
		synopsis(&b, s.name, s.synopsis)
	}
	synopsis(&b, "help", []string{"[COMMAND [ACTION]]"})
	b.WriteString(`
ingest recognises each file by its content: English Indices of Deprivation
files (IoD2019 Files 1-9 and the combined file on LSOA 2011, IoD2025 on LSOA
2021), indicator CSVs with a metadata CSV, boundaries (GeoJSON, ESRI
Shapefile, GeoPackage; WGS84 or British National Grid), point layers (CSV or
GeoJSON), ONS lookups, centroids, MSOA names and locality definitions. Files
may be gzipped or zipped. All files of one ingest are stored in one
transaction: if any is bad, nothing is stored.

serve without --db serves the embedded default dataset (Shropshire, Telford
and Wrekin, Oxfordshire) in memory: nothing saved is kept after it stops.
serve --db FILE --create creates FILE from the embedded default the first
time and serves it, so saved scenarios are kept. Its first line on stdout
is "listening on URL"; the second says which data it serves.

Run 'placeplan help COMMAND' (or placeplan COMMAND -h) for a command's flags.
`)
	return b.String()
}
