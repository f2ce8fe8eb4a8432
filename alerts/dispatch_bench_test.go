package alerts

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkDispatch: the cost on the detection path, for an alert the
// throttle holds back and for one it queues (the queue drained by a no-op
// action), and for one dropped because a stuck action's queue is full.
func BenchmarkDispatch(b *testing.B) {
	b.Run("throttled", func(b *testing.B) {
		d, _ := runDispatcher(b, []Route{{Action: okAction("a")}}, nil)
		a := alertOf(src4(1), 3, []string{"syn/tcp", "fin/tcp"}, []string{"SCAN FIN"})
		d.Dispatch(a)
		for b.Loop() {
			d.Dispatch(a)
		}
	})
	b.Run("queued", func(b *testing.B) {
		d, _ := runDispatcher(b, []Route{{Action: okAction("a"), Queue: 1 << 16}}, nil)
		as := make([]Alert, 1<<16)
		for i := range as {
			as[i] = alertOf(src4(i), 3, []string{"syn/tcp"}, nil)
		}
		i := 0
		for b.Loop() {
			d.Dispatch(as[i%len(as)])
			i++
		}
	})
	b.Run("full", func(b *testing.B) {
		stuck := &fakeAction{name: "stuck", run: func(ctx context.Context, _ Alert) error {
			<-ctx.Done()
			return ctx.Err()
		}}
		d, _ := runDispatcher(b, []Route{{Action: stuck, Queue: 8}}, nil)
		as := make([]Alert, 1<<12)
		for i := range as {
			as[i] = alertOf(src4(i), 3, []string{"syn/tcp"}, nil)
		}
		i := 0
		for b.Loop() {
			d.Dispatch(as[i%len(as)])
			i++
		}
	})
}

// BenchmarkRunRecorded: alerts dispatched, run by a no-op action and their
// outcomes recorded in a real store, end to end; one op is 1000 alerts.
func BenchmarkRunRecorded(b *testing.B) {
	const batch = 1000
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			s := openTemp(b)
			a := sample(b, "198.51.100.7", t0)
			if _, err := s.AddAlert(context.Background(), &a); err != nil {
				b.Fatal(err)
			}
			d, _ := runDispatcher(b, []Route{{Action: okAction("a"), Queue: batch, Workers: workers}}, s)
			n := 0
			for b.Loop() {
				for range batch {
					a.Src = src4(n)
					d.Dispatch(a)
					n++
				}
				waitFor(b, "the runs", func() bool { return d.Stats()["a"].OK == uint64(n) })
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "alerts/s")
		})
	}
}
