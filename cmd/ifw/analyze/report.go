package analyze

import (
	"fmt"
	"io"
	"time"

	"github.com/ifw/ifw/alerts/report"
	"github.com/ifw/ifw/signatures"
)

// Report runs the files through the engine as ifw analyze does and
// builds the report `ifw report --log` gives from the attackers it finds; the period is the
// logs' own unless --from/--to narrow it.
func Report(files []string, stdin io.Reader, opts report.Options) (*report.Report, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("--log needs FILE… ('-' is stdin)")
	}
	var events []report.Event
	a, err := New(Options{MinLevel: 1, Stdin: stdin, Detected: func(d signatures.Detection) {
		// the alerts the daemon would store (pipeline.alertFor): one more
		// destination alone is not one
		if d.Reasons&^signatures.ReasonDestination != 0 {
			events = append(events, report.EventOf(&d))
		}
	}})
	if err == nil {
		err = a.Read(files...)
	}
	if err != nil {
		return nil, err
	}
	for _, c := range a.Files() { // a file's counters, as a collector's line
		name := c.Name
		if name == "-" {
			name = "standard input"
		}
		opts.Collectors = append(opts.Collectors, report.CollectorHealth{Name: name, Type: "file",
			Lines: uint64(c.Lines), Packets: uint64(c.Packets), Malformed: uint64(c.Malformed)})
	}
	opts.From, opts.To, opts.Compare = time.Time{}, time.Time{}, false
	return report.FromAnalysis(a.Attackers(1), events, opts)
}
