package logline

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// captureFiles lists the real captures made by test/capture/capture.sh.
func captureFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "captures", "*.log"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no captures under testdata/captures (run test/capture/capture.sh): %v", err)
	}
	return files
}

// readLines returns a file's lines.
func readLines(tb testing.TB, path string) [][]byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, MaxLineLen+1)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	return lines
}
