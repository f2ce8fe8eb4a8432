// Package man writes the man pages from the command tree the help comes
// from (`make man`). It is apart from package gen because cobra/doc links
// a Markdown renderer (blackfriday) whose package initialisation costs
// every start of ifw a few milliseconds: only a binary built with the
// manpages tag (`go build -tags manpages`, what `make man` runs) has the
// hidden `ifw gen-man DIR` command and links it; the installed ifw does not.
package man
