package main

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/jobs"
)

// Hidden test hooks: environment variables that the fault-injection and
// replica tests (faults_test.go, replicas_test.go) set on the child
// processes they start. They are not configuration — no flag, no README
// entry — and a deployment never sets them.
const (
	// envTestJobEvery runs scheduled jobs in accelerated time: "2s" puts
	// every job on an (aligned) 2-second interval instead of its spec;
	// "hall-advance=2s,score=5s" only the named jobs.
	envTestJobEvery = "AGENCYHALL_TEST_JOB_EVERY"
	// envTestExportRows is the row count above which an export runs in the
	// background (reports.DefaultBackgroundRows otherwise).
	envTestExportRows = "AGENCYHALL_TEST_EXPORT_BACKGROUND_ROWS"
	// envTestExportProgress is how many rows a background export writes
	// between saving its progress (1000 otherwise).
	envTestExportProgress = "AGENCYHALL_TEST_EXPORT_PROGRESS_EVERY"
)

// testJobSpec returns the job with the spec envTestJobEvery gives it.
func testJobSpec(j jobs.Job) jobs.Job {
	v := strings.TrimSpace(os.Getenv(envTestJobEvery))
	if v == "" {
		return j
	}
	for _, part := range strings.Split(v, ",") {
		name, every, named := strings.Cut(strings.TrimSpace(part), "=")
		if !named {
			every = name
		}
		if named && name != j.Name {
			continue
		}
		if d, err := time.ParseDuration(every); err == nil && d >= time.Second {
			j.Spec = "@every " + d.String()
		}
	}
	return j
}

// testEnvInt reads a positive integer test hook (0 when unset or invalid).
func testEnvInt(name string) int {
	n, err := strconv.Atoi(os.Getenv(name))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
