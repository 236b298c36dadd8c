// Command placeplan ingests deprivation and service-demand data for small
// areas, scores and plans scenarios over it, and serves it all as a web
// map and an HTTP API. Run "placeplan help" for usage.
//
// Each subcommand is one struct (ingest.go, catalogue.go, serve.go, …):
// its typed config, bound to its own flag set, a validate method that
// checks the whole command line, and a run method that does the work by
// calling the use cases in scenario, data and api. run (below) picks the
// subcommand, parses and validates it, and runs it; main only maps the
// error to an exit code.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"placeplan"
	"placeplan/data"
)

// version is set at link time: -ldflags "-X main.version=…".
var version = "dev"

// Exit codes.
const (
	exitOK       = 0
	exitError    = 1  // anything else, including internal errors
	exitUsage    = 2  // bad flags or arguments
	exitConflict = 3  // the change clashes with what is stored: a stale revision, an archived scenario, a name taken
	exitDataErr  = 65 // the input data is invalid or unsupported
	exitNotFound = 66 // a file, area or layer that does not exist
	exitStorage  = 74 // the database cannot be read or written (sysexits EX_IOERR)
	exitBusy     = 75 // another process holds the database: try again (EX_TEMPFAIL)
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// run is the program: it parses args, and runs one subcommand with what
// it parsed.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, globalUsage())
		return usageError{msg: "no command given"}
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		return help(args[1:], stdout)
	case "--version":
		args = []string{"version"}
	}
	return dispatch(ctx, commands(), "", args, stdout, stderr)
}

// usageError marks a mistake in the command line. usage, when set, is the
// usage of the subcommand that was mistaken.
type usageError struct {
	msg   string
	usage string
}

func (e usageError) Error() string { return e.msg }

// exitCode is the one mapping from errors to exit codes. It writes the
// error for the user to stderr: a usage mistake with the usage of the
// subcommand concerned, an internal error with its detail.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "placeplan: %v\n", err)
		if ue.usage != "" {
			fmt.Fprintf(stderr, "\n%s", ue.usage)
		} else {
			fmt.Fprintln(stderr, "Run 'placeplan help' for usage.")
		}
		return exitUsage
	}
	err = data.StorageError(err)
	fmt.Fprintf(stderr, "placeplan: %s\n", placeplan.ErrorMessage(err))
	switch placeplan.ErrorCode(err) {
	case placeplan.EINVALID, placeplan.EUNSUPPORTED:
		return exitDataErr
	case placeplan.ENOTFOUND:
		return exitNotFound
	case placeplan.ECONFLICT, placeplan.EPRECONDITION:
		return exitConflict
	case placeplan.ESTORAGE:
		return exitStorage
	case placeplan.EBUSY:
		return exitBusy
	case placeplan.EINTERNAL:
		fmt.Fprintf(stderr, "placeplan: detail: %v\n", err)
	}
	return exitError
}

func versionSpec() spec {
	return spec{name: "version", about: "Version prints placeplan's version.", make: newVersionCmd}
}

// versionCmd is "placeplan version".
type versionCmd struct{ cmdLine }

func newVersionCmd() command { return &versionCmd{cmdLine: newCmdLine("version")} }

func (c *versionCmd) validate() error { return c.noArgs() }

func (c *versionCmd) run(_ context.Context, stdout io.Writer) error {
	_, err := fmt.Fprintf(stdout, "placeplan %s\n", version)
	return err
}
