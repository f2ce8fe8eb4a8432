package alerts

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestRecoverCorrupt is the fault: the database file is overwritten with
// garbage (or its header destroyed) while the daemon is down. Without
// Recover, Open fails with ErrCorrupt, as before; with it, the damaged file
// is kept aside, byte for byte, and an empty working store opens.
func TestRecoverCorrupt(t *testing.T) {
	garbage := make([]byte, 64<<10)
	rand.Read(garbage)
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, path string) []byte
	}{
		{"random bytes", func(t *testing.T, path string) []byte {
			if err := os.WriteFile(path, garbage, 0o640); err != nil {
				t.Fatal(err)
			}
			return garbage
		}},
		{"header overwritten", func(t *testing.T, path string) []byte {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteAt(garbage[:100], 0)
			f.Close()
			b, _ := os.ReadFile(path)
			return b
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "ifw.db")
			s, err := Open(ctx, Config{Path: path}, nil)
			if err != nil {
				t.Fatal(err)
			}
			a := sample(t, "198.51.100.7", t0)
			if _, err := s.AddAlert(ctx, &a); err != nil {
				t.Fatal(err)
			}
			s.Close()
			spoiled := tc.spoil(t, path)

			if _, err := Open(ctx, Config{Path: path}, nil); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open without Recover: %v; want ErrCorrupt", err)
			}
			s, err = Open(ctx, Config{Path: path, Recover: true}, nil)
			if err != nil {
				t.Fatalf("Open with Recover: %v", err)
			}
			defer s.Close()
			aside := s.Recovered()
			if kept, err := os.ReadFile(aside); aside == "" || err != nil || !bytes.Equal(kept, spoiled) {
				t.Fatalf("moved aside to %q (%v): the damaged file is not kept as it was", aside, err)
			}
			if _, err := s.AddAlert(ctx, &a); err != nil {
				t.Fatalf("the new store does not work: %v", err)
			}
		})
	}
}
