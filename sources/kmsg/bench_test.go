package kmsg

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/ifw/ifw/sources"
)

// benchReader returns n firewall records with rising sequence numbers,
// then ends the Run.
type benchReader struct {
	n, seq int
	body   []byte
	cancel context.CancelFunc
}

func (r *benchReader) Read(b []byte) (int, error) {
	if r.seq == r.n {
		r.cancel()
		return 0, os.ErrDeadlineExceeded
	}
	r.seq++
	h := strconv.AppendInt(append(b[:0], "4,"...), int64(r.seq), 10)
	h = strconv.AppendInt(append(h, ','), int64(r.seq)*1000, 10)
	h = append(append(h, ",-;"...), r.body...)
	return len(h), nil
}

func (r *benchReader) Interrupt() {}

func (r *benchReader) Close() error { return nil }

// BenchmarkRun measures records per second from the device through the
// parser to a consumer on the other end of the channel.
func BenchmarkRun(b *testing.B) {
	s := newTestSource(b, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &benchReader{n: b.N, body: []byte(fwLine("[UFW BLOCK]") + "\n SUBSYSTEM=net\n")}
	r.cancel = cancel
	s.open = func(string, bool) (recordReader, error) { return r, nil }
	out := make(chan *sources.Packet, 256)
	done := make(chan int)
	go func() {
		n := 0
		for range out {
			n++
		}
		done <- n
	}()
	b.ReportAllocs()
	b.ResetTimer()
	if err := s.Run(ctx, out); err != nil {
		b.Fatal(err)
	}
	close(out)
	if n := <-done; n != b.N {
		b.Fatalf("%d packets for %d records", n, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
