package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStoreURL: [store] url takes any pgx connection string and is shown
// without its password.
func TestStoreURL(t *testing.T) {
	for _, url := range []string{"postgres://ifw@/ifw?host=/run/postgresql", "host=/run/postgresql dbname=ifw user=ifw"} {
		path := filepath.Join(t.TempDir(), "ifw.conf")
		if err := os.WriteFile(path, []byte("[store]\nurl = "+url+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path, true)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Store.URL != url {
			t.Errorf("url %q, want %q", cfg.Store.URL, url)
		}
		if got, want := cfg.Store.Redacted(), "postgresql user=ifw database=ifw host=/run/postgresql"; got != want {
			t.Errorf("redacted %q, want %q", got, want)
		}
	}
	s := Store{URL: "postgres://u:s3cret@db.example/ifw"}
	if got := s.Redacted(); got != "postgresql user=u database=ifw host=db.example" {
		t.Errorf("redacted %q", got)
	}
}
