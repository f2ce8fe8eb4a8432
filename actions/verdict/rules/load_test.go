package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadReplacesSavedRules(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules")
	writeFile(t, path, "allow exe=/bin/a\ndeny exe=/bin/b note=old\nallow exe=/bin/c until=2027-01-01T00:00:00Z\n")
	s := testSet(t, nil)
	if n, err := s.Load(path); err != nil || n != 3 {
		t.Fatalf("Load = %d, %v", n, err)
	}
	before := s.List()
	session := mustAdd(t, s, "allow exe=/bin/a lifetime=session")
	s.Match(conn("/bin/b", "203.0.113.2", 1, ProtoTCP), t0)

	// /bin/a dropped, /bin/b kept with a new note, /bin/c kept, /bin/d new.
	writeFile(t, path, "# edited\ndeny exe=/bin/b note=new\nallow exe=/bin/d\nallow exe=/bin/c until=2027-01-01T00:00:00Z\n")
	if n, err := s.Load(path); err != nil || n != 3 {
		t.Fatalf("second Load = %d, %v", n, err)
	}
	got := s.List()
	wantIDs := []uint64{before[1].ID, before[2].ID, session.ID, session.ID + 1}
	wantExe := []string{"/bin/b", "/bin/c", "/bin/a", "/bin/d"}
	if len(got) != len(wantIDs) {
		t.Fatalf("List = %v", got)
	}
	for i := range got {
		if got[i].ID != wantIDs[i] || got[i].Exe != wantExe[i] {
			t.Errorf("rule %d = %d %s, want %d %s", i, got[i].ID, got[i].Exe, wantIDs[i], wantExe[i])
		}
	}
	if got[0].Note != "new" || !got[0].Created.Equal(before[1].Created) {
		t.Errorf("kept rule = %+v: want the file's note and the first Created", got[0])
	}
	if got[2] != session {
		t.Errorf("session rule changed: %+v", got[2])
	}
	if e := s.Entries()[0]; e.Hits != 1 {
		t.Errorf("kept rule lost its hits: %+v", e)
	}
}

func TestLoadErrorChangesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rules")
	writeFile(t, path, "allow exe=/bin/a\n")
	s := testSet(t, nil)
	if _, err := s.Load(path); err != nil {
		t.Fatal(err)
	}
	before := s.List()
	writeFile(t, path, "allow exe=/bin/b\nallow exe=/bin/c port=x\n")
	n, err := s.Load(path)
	var pe *ParseError
	if n != 0 || !errors.As(err, &pe) || pe.Line != 2 || !strings.HasPrefix(err.Error(), path+":2: port: ") {
		t.Errorf("Load = %d, %v; want a ParseError at %s:2", n, err, path)
	}
	if after := s.List(); len(after) != 1 || after[0] != before[0] {
		t.Errorf("failed Load changed the rules: %v", after)
	}
	if err := os.Chmod(path, 0); err == nil && os.Geteuid() != 0 {
		if _, err := s.Load(path); err == nil || !errors.Is(err, os.ErrPermission) {
			t.Errorf("Load of an unreadable file = %v", err)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	s := testSet(t, nil)
	mustAdd(t, s, "allow exe=/bin/a")
	mustAdd(t, s, "allow exe=/bin/a lifetime=once")
	n, err := s.Load(filepath.Join(t.TempDir(), "none"))
	if err != nil || n != 0 {
		t.Fatalf("Load of a missing file = %d, %v", n, err)
	}
	if got := s.List(); len(got) != 1 || got[0].Lifetime != Once {
		t.Errorf("after loading no rules: %v", got)
	}
}

func TestSaveRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "etc", "ifw")
	path := filepath.Join(dir, "rules")
	s := testSet(t, newFakeDNS(map[string]string{"example.org": "203.0.113.7"}))
	for _, l := range goldenRules {
		mustAdd(t, s, l)
	}
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("saved file: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("created directory: %v %v", fi.Mode(), err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d files, want only the rules (no temporary file left)", len(ents))
	}
	s2 := testSet(t, nil)
	if n, err := s2.Load(path); err != nil || n != len(goldenRules)-2 {
		t.Fatalf("Load of the saved file = %d, %v", n, err)
	}
	saved, loaded := s.Saved(), s2.Saved()
	for i := range saved {
		if identity(saved[i]) != identity(loaded[i]) || saved[i].Note != loaded[i].Note || !saved[i].Created.Equal(loaded[i].Created) {
			t.Errorf("rule %d saved as\n%+v\nloaded as\n%+v", i, saved[i], loaded[i])
		}
	}
	// Saving again over the file replaces it.
	s.Delete(saved[0].ID)
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	if n, err := s2.Load(path); err != nil || n != len(saved)-1 {
		t.Errorf("Load after the second Save = %d, %v", n, err)
	}
}

func TestSaveError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	writeFile(t, file, "")
	s := testSet(t, nil)
	err := s.Save(filepath.Join(file, "rules")) // a file where the directory should be
	if err == nil || !strings.Contains(err.Error(), "saving") {
		t.Errorf("Save under a file = %v", err)
	}
}
