package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBinary is the one test of the built program: what main adds to run —
// os.Exit with the code exitCode maps, and SIGINT cancelling serve's
// context for a clean shutdown. Everything else is tested in-process.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "placeplan")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	writeFile(t, bad, "lsoa11cd,referrals\nE01028826,twelve\n")
	writeFile(t, filepath.Join(dir, "bad.meta.csv"), "indicator,name,unit,direction,kind,denominator\nreferrals,Referrals,n,higher_is_worse,count,children\n")
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string // a part of stdout
		stderr string // a part of stderr
	}{
		{[]string{"version"}, 0, "placeplan dev", ""},
		{[]string{"help", "areas"}, 0, "Usage:\n  placeplan areas --db FILE", ""},
		{[]string{"areas"}, 2, "", "placeplan: areas: --db FILE is required\n\nUsage:\n  placeplan areas"},
		{[]string{"areas", "--db", filepath.Join(dir, "nope.db")}, 66, "", "does not exist"},
		{[]string{"ingest", "--db", filepath.Join(dir, "x.db"), "--quiet", bad}, 65, "", `"twelve" is not a number`},
	} {
		var o, e bytes.Buffer
		cmd := exec.Command(bin, tc.args...)
		cmd.Stdout, cmd.Stderr = &o, &e
		code := 0
		var ee *exec.ExitError
		if err := cmd.Run(); errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code || !strings.Contains(o.String(), tc.stdout) || !strings.Contains(e.String(), tc.stderr) {
			t.Errorf("placeplan %v: exit %d (want %d)\nstdout: %s\nstderr: %s", tc.args, code, tc.code, o.String(), e.String())
		}
	}

	// serve stops cleanly, exit 0, on SIGINT.
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "listening on ") {
				listening <- sc.Text()
			}
		}
	}()
	select {
	case line := <-listening:
		if body := get(t, strings.TrimPrefix(line, "listening on ")+"/healthz"); !strings.Contains(body, `"ok"`) {
			t.Errorf("/healthz: %s", body)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve printed no 'listening on' line within 60 s")
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve did not shut down cleanly on SIGINT: %v", err)
	}
}
