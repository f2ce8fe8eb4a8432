package journal

// args is journalctl's command line: kernel entries of the current boot,
// followed, one JSON object a line with only the fields a packet needs,
// after cursor when there is one.
func (c Config) args(cursor string) []string {
	a := []string{
		"-k", "-f", "-o", "json",
		"--output-fields=MESSAGE,_TRANSPORT,_HOSTNAME",
		"--all", // never replace a long field with null
		"--quiet", "--no-pager",
	}
	if c.Directory != "" {
		a = append(a, "--directory="+c.Directory)
	}
	switch {
	case cursor != "":
		a = append(a, "--after-cursor="+cursor)
	case c.StartAtEnd:
		a = append(a, "--lines=0")
	default:
		a = append(a, "--no-tail") // -f alone starts 10 lines from the end
	}
	return a
}
